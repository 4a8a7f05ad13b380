// About GemmaChat: its version, the licenses of the libraries it is made with (Qt, Eigen, OpenBLAS,
// SentencePiece, JSON for Modern C++), and the Gemma Terms of Use, which cover the models people import.
// Opened from the settings. The version is the project's (CMake's project version, via app.version).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Dialog {
    id: root
    required property AppController app

    objectName: "aboutDialog"
    title: qsTr("About GemmaChat")
    modal: true
    width: Math.min(560, (parent ? parent.width : 560) - 40)
    height: Math.min(implicitHeight, (parent ? parent.height : 620) - 40)  // no taller than its text
    standardButtons: Dialog.Close
    padding: 16

    background: Rectangle {
        color: Theme.raised
        border.color: Theme.border
        radius: Theme.radius
    }

    readonly property string gemmaTermsUrl: "https://ai.google.dev/gemma/terms"
    // What GemmaChat is made with, each with its license's text online (and on Debian in
    // /usr/share/common-licenses). Names and licenses are not translated.
    readonly property var libraries: [
        { name: "Qt 6", role: qsTr("user interface"), license: "GNU LGPL 3.0",
          url: "https://www.gnu.org/licenses/lgpl-3.0.html" },
        { name: "Eigen", role: qsTr("vector arithmetic"), license: "Mozilla Public License 2.0",
          url: "https://www.mozilla.org/MPL/2.0/" },
        { name: "OpenBLAS", role: qsTr("matrix products"), license: "BSD 3-Clause",
          url: "https://opensource.org/license/bsd-3-clause" },
        { name: "SentencePiece", role: qsTr("tokenizer"), license: "Apache License 2.0",
          url: "https://www.apache.org/licenses/LICENSE-2.0" },
        { name: "JSON for Modern C++", role: qsTr("reading Hugging Face checkpoints"), license: "MIT",
          url: "https://opensource.org/license/mit" }
    ]

    component Paragraph: Label {
        Layout.fillWidth: true
        wrapMode: Text.WordWrap
        textFormat: Text.StyledText
        color: Theme.text
        linkColor: Theme.accent
        onLinkActivated: (link) => Qt.openUrlExternally(link)
        HoverHandler { cursorShape: parent.hoveredLink !== "" ? Qt.PointingHandCursor : Qt.ArrowCursor }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: parent.width
            spacing: 10

            RowLayout {
                spacing: 14
                Image {
                    source: "qrc:/icons/gemma-chat.svg"
                    sourceSize.width: 64
                    sourceSize.height: 64
                    Accessible.ignored: true
                }
                ColumnLayout {
                    spacing: 2
                    Label {
                        objectName: "aboutVersion"
                        text: qsTr("GemmaChat %1").arg(root.app.version)
                        font.pixelSize: 20
                        font.bold: true
                        color: Theme.text
                    }
                    Paragraph {
                        text: qsTr("Chat with Google's Gemma on this computer, offline.")
                        color: Theme.mutedText
                    }
                }
            }

            Paragraph {
                text: qsTr("GemmaChat is free software under the %1. It is made with:")
                      .arg("<a href=\"https://www.apache.org/licenses/LICENSE-2.0\">Apache License 2.0</a>")
            }
            // In a Column of its own: the list is rebuilt when the language changes, and on Qt 6.4 a Repeater
            // that is a direct child of a Layout can then leave the layout holding a freed delegate.
            Column {
                Layout.fillWidth: true
                spacing: 10
                Repeater {
                    model: root.libraries
                    delegate: Paragraph {
                        required property var modelData
                        objectName: "aboutLibrary"
                        width: parent.width
                        leftPadding: 12
                        text: "• <b>%1</b> (%2): <a href=\"%3\">%4</a>".arg(modelData.name).arg(modelData.role)
                              .arg(modelData.url).arg(modelData.license)
                    }
                }
            }
            Paragraph {
                text: qsTr("Qt is used as the system's shared libraries, which you may replace with other builds of Qt.")
                color: Theme.mutedText
                font.pixelSize: 12
            }

            Label {
                Layout.topMargin: 6
                text: "Gemma"
                font.bold: true
                font.pixelSize: 15
                color: Theme.text
            }
            Paragraph {
                objectName: "aboutGemmaTerms"
                text: qsTr("Gemma models are provided by Google under the %1, which you accept when you download "
                           + "them. GemmaChat includes no Gemma weights and is not made by Google.")
                      .arg("<a href=\"%1\">%2</a>".arg(root.gemmaTermsUrl).arg(qsTr("Gemma Terms of Use")))
            }
            Paragraph {
                text: qsTr("The complete license texts are in %1 and %2.")
                      .arg("/usr/share/doc/gemma-chat/copyright").arg("/usr/share/common-licenses")
                color: Theme.mutedText
                font.pixelSize: 12
            }
        }
    }
}
