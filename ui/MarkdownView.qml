// A reply rendered as Markdown: prose through Qt's Markdown support (headings, lists, tables, emphasis),
// each fenced code block in a monospace box with a Copy button. The split is MarkdownModel's (C++), which
// only touches the last segment while a reply streams.
// A Column, not a ColumnLayout: on Qt 6.4 a Repeater that is a direct child of a Layout and whose model
// changes (here, with every streamed token) can leave the layout holding a freed delegate.
import QtQuick
import QtQuick.Controls
import GemmaChat

Column {
    id: root
    required property AppController app
    property string text
    spacing: 8

    Repeater {
        model: MarkdownModel {
            id: segments
            text: root.text
            codeBackground: Theme.surface
            borderColor: Theme.border
        }
        delegate: Loader {
            id: segment
            required property string kind
            required property string segmentText
            required property string language
            required property bool closed
            required property string html
            width: root.width
            sourceComponent: kind === "code" ? codeComponent : textComponent

            Component {
                id: textComponent
                TextEdit {
                    objectName: "markdownText"
                    // The HTML MarkdownModel makes from the segment's Markdown: spaced paragraphs, padded
                    // tables, shaded inline code.
                    text: segment.html
                    textFormat: TextEdit.RichText
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    color: Theme.text
                    selectionColor: Theme.selection
                    selectedTextColor: Theme.text
                    font.pixelSize: 15
                    activeFocusOnTab: false
                    onLinkActivated: (link) => Qt.openUrlExternally(link)
                    HoverHandler { cursorShape: parent.hoveredLink !== "" ? Qt.PointingHandCursor : Qt.IBeamCursor }
                }
            }
            Component {
                id: codeComponent
                CodeBlock {
                    app: root.app
                    code: segment.segmentText
                    language: segment.language
                    complete: segment.closed
                }
            }
        }
    }
}
