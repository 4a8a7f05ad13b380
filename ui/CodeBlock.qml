// A fenced code block: its language, a Copy button, and the code in a monospace box that scrolls sideways
// instead of wrapping (code is read line by line).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Rectangle {
    id: root
    required property AppController app
    property string code
    property string language
    property bool complete: true  // false while the closing fence has not streamed in
    property bool copied: false

    implicitHeight: header.height + Math.min(codeText.implicitHeight + 20, 600)
    radius: Theme.radius
    color: Theme.codeBackground
    border.color: Theme.border
    Accessible.role: Accessible.EditableText
    Accessible.name: language !== "" ? qsTr("Code, %1").arg(language) : qsTr("Code")

    Rectangle {
        id: header
        width: parent.width
        height: 32
        radius: Theme.radius
        color: Theme.codeHeader
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: Theme.radius; color: parent.color }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 4
            Label {
                Layout.fillWidth: true
                text: root.language !== "" ? root.language : qsTr("code")
                font.family: Theme.monospaceFamily
                font.pixelSize: 12
                color: Theme.mutedText
            }
            ToolButton {
                objectName: "copyCodeButton"
                text: root.copied ? qsTr("Copied") : qsTr("Copy")
                icon.source: root.copied ? "qrc:/icons/icons/check.svg" : "qrc:/icons/icons/copy.svg"
                icon.color: Theme.mutedText
                icon.width: 14
                icon.height: 14
                font.pixelSize: 12
                onClicked: {
                    root.app.copyText(root.code)
                    root.copied = true
                    copiedTimer.restart()
                }
                Accessible.name: qsTr("Copy the code")
            }
        }
    }
    Timer { id: copiedTimer; interval: 1500; onTriggered: root.copied = false }

    Flickable {
        id: flick
        anchors.top: header.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 10
        clip: true
        contentWidth: codeText.implicitWidth
        contentHeight: codeText.implicitHeight
        boundsBehavior: Flickable.StopAtBounds
        flickableDirection: Flickable.AutoFlickIfNeeded
        ScrollBar.horizontal: ScrollBar { policy: flick.contentWidth > flick.width ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded }
        ScrollBar.vertical: ScrollBar {}

        TextEdit {
            id: codeText
            objectName: "codeText"
            text: root.code
            textFormat: TextEdit.PlainText
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.NoWrap
            font.family: Theme.monospaceFamily
            font.pixelSize: 13
            color: Theme.codeText
            selectionColor: Theme.selection
            selectedTextColor: Theme.codeText
            activeFocusOnTab: false
        }
    }
}
