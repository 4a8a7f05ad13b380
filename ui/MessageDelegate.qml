// One message. The user's: plain text in a bubble, with Edit (and resend) and Copy. The model's: Markdown
// with code blocks, growing as it streams, with Copy, Regenerate, the alternatives (‹ 2/3 ›), its speed,
// and a word when it was stopped or failed.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Item {
    id: root
    required property AppController app
    required property int index
    required property var messageId
    required property string role
    required property string text
    required property string state
    required property int branchIndex
    required property int branchCount
    required property double tokensPerSecond
    required property var replyTokens
    required property string errorText
    required property string model

    readonly property bool isUser: role === "user"
    readonly property bool streaming: state === "streaming"
    property bool editing: false

    implicitHeight: column.implicitHeight + 12
    Accessible.role: Accessible.ListItem
    Accessible.name: (isUser ? qsTr("You: %1") : qsTr("Gemma: %1")).arg(text)

    function startEdit() {
        editing = true
        editArea.text = text
        editArea.forceActiveFocus()
    }

    HoverHandler { id: hover }

    ColumnLayout {
        id: column
        width: Math.min(parent.width - 32, Theme.contentWidth)
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: parent.top
        anchors.topMargin: 6
        spacing: 4

        Label {
            text: root.isUser ? qsTr("You") : (root.model !== "" ? root.model : qsTr("Gemma"))
            font.bold: true
            font.pixelSize: 12
            color: Theme.mutedText
            Layout.alignment: root.isUser ? Qt.AlignRight : Qt.AlignLeft
        }

        // The user's message: plain text, selectable.
        Rectangle {
            visible: root.isUser && !root.editing
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: column.width * 0.85
            implicitWidth: Math.min(userText.implicitWidth + 24, column.width * 0.85)
            implicitHeight: userText.implicitHeight + 16
            radius: Theme.radius + 4
            color: Theme.userBubble
            TextEdit {
                id: userText
                objectName: "userText"
                anchors.fill: parent
                anchors.margins: 8
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                text: root.text
                textFormat: TextEdit.PlainText
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                color: Theme.text
                selectionColor: Theme.selection
                selectedTextColor: Theme.text
                font.pixelSize: 15
                activeFocusOnTab: false
            }
        }

        // Editing the user's message; Save & send adds it as a new alternative and replies to it.
        ColumnLayout {
            visible: root.editing
            Layout.fillWidth: true
            TextArea {
                id: editArea
                objectName: "editArea"
                Layout.fillWidth: true
                wrapMode: TextEdit.Wrap
                font.pixelSize: 15
                Accessible.name: qsTr("Edit your message")
                Keys.onReturnPressed: (event) => {
                    if (event.modifiers & Qt.ShiftModifier) { event.accepted = false; return }
                    saveButton.clicked()
                }
                Keys.onEscapePressed: root.editing = false
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button {
                    text: qsTr("Cancel")
                    onClicked: root.editing = false
                    Accessible.name: qsTr("Cancel editing")
                }
                Button {
                    id: saveButton
                    objectName: "saveEditButton"
                    text: qsTr("Save and send")
                    highlighted: true
                    enabled: editArea.text.trim() !== ""
                    onClicked: {
                        if (root.app.chat.editAndResend(root.index, editArea.text)) root.editing = false
                    }
                    Accessible.name: qsTr("Save the edited message and send it")
                }
            }
        }

        // The model's reply.
        MarkdownView {
            id: reply
            objectName: "replyView"
            visible: !root.isUser && root.text !== ""
            Layout.fillWidth: true
            app: root.app
            text: root.text
        }

        // Before the first token: the model is reading the conversation (prefill).
        RowLayout {
            visible: root.streaming && root.text === ""
            BusyIndicator { running: parent.visible; implicitWidth: 24; implicitHeight: 24 }
            Label { text: qsTr("Reading the conversation…"); color: Theme.mutedText }
        }

        Label {
            objectName: "stateLabel"
            visible: text !== ""
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            font.pixelSize: 12
            color: root.state === "error" ? Theme.danger : Theme.mutedText
            text: root.state === "stopped" ? qsTr("Stopped.")
                : root.state === "interrupted" ? qsTr("Interrupted: the app closed while this reply was written.")
                : root.state === "error" ? qsTr("The reply failed: %1").arg(root.errorText)
                : ""
        }

        // Actions. Always reachable by Tab; shown on hover so the page stays calm.
        RowLayout {
            spacing: 2
            Layout.alignment: root.isUser ? Qt.AlignRight : Qt.AlignLeft
            opacity: hover.hovered || actions.activeFocus || root.ListView.isCurrentItem || root.branchCount > 1 ? 1 : 0.35
            visible: !root.editing && !root.streaming
            id: actions

            ToolButton {
                objectName: "previousBranchButton"
                visible: root.branchCount > 1
                icon.source: "qrc:/icons/icons/chevron-left.svg"
                icon.color: Theme.mutedText
                enabled: root.branchIndex > 0 && !root.app.chat.generating
                onClicked: root.app.chat.switchBranch(root.index, -1)
                Accessible.name: qsTr("Previous version")
            }
            Label {
                visible: root.branchCount > 1
                text: qsTr("%1 / %2").arg(root.branchIndex + 1).arg(root.branchCount)
                color: Theme.mutedText
                font.pixelSize: 12
                Accessible.name: qsTr("Version %1 of %2").arg(root.branchIndex + 1).arg(root.branchCount)
            }
            ToolButton {
                objectName: "nextBranchButton"
                visible: root.branchCount > 1
                icon.source: "qrc:/icons/icons/chevron-right.svg"
                icon.color: Theme.mutedText
                enabled: root.branchIndex + 1 < root.branchCount && !root.app.chat.generating
                onClicked: root.app.chat.switchBranch(root.index, 1)
                Accessible.name: qsTr("Next version")
            }
            ToolButton {
                objectName: "copyButton"
                icon.source: "qrc:/icons/icons/copy.svg"
                icon.color: Theme.mutedText
                icon.width: 14
                icon.height: 14
                text: qsTr("Copy")
                font.pixelSize: 12
                onClicked: root.app.copyText(root.text)
                Accessible.name: root.isUser ? qsTr("Copy your message") : qsTr("Copy the reply")
            }
            ToolButton {
                objectName: "editButton"
                icon.source: "qrc:/icons/icons/edit.svg"
                icon.color: Theme.mutedText
                icon.width: 14
                icon.height: 14
                visible: root.isUser
                text: qsTr("Edit")
                font.pixelSize: 12
                onClicked: root.startEdit()
                Accessible.name: qsTr("Edit and resend your message")
            }
            ToolButton {
                objectName: "regenerateButton"
                icon.source: "qrc:/icons/icons/regenerate.svg"
                icon.color: Theme.mutedText
                icon.width: 14
                icon.height: 14
                visible: !root.isUser
                text: qsTr("Regenerate")
                font.pixelSize: 12
                onClicked: root.app.chat.regenerate(root.index)
                Accessible.name: qsTr("Write this reply again")
            }
            Label {
                visible: !root.isUser && root.tokensPerSecond > 0
                text: qsTr("%1 tokens · %2 tokens/s").arg(root.replyTokens).arg(root.tokensPerSecond.toFixed(1))
                color: Theme.mutedText
                font.pixelSize: 11
                leftPadding: 8
            }
        }
    }
}
