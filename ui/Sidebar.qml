// The conversation sidebar: New chat, a search field (Ctrl+F) searching every conversation, and the list
// of conversations newest first, each with Rename and Delete (with Undo).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Rectangle {
    id: root
    required property AppController app
    readonly property var chat: app.chat
    readonly property bool searching: searchField.text.trim() !== ""

    function focusSearch() {
        searchField.forceActiveFocus()
        searchField.selectAll()
    }

    color: Theme.sidebar
    Rectangle { anchors.right: parent.right; width: 1; height: parent.height; color: Theme.border }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 10
        spacing: 8

        Button {
            objectName: "newChatButton"
            Layout.fillWidth: true
            text: qsTr("New chat")
            icon.source: "qrc:/icons/icons/new-chat.svg"
            icon.color: Theme.text
            onClicked: root.chat.newConversation()
            Accessible.name: qsTr("New chat (Ctrl+N)")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Ctrl+N")
        }

        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search conversations")
            onTextChanged: root.chat.searchQuery = text
            Accessible.name: qsTr("Search conversations (Ctrl+F)")
            Keys.onEscapePressed: text = ""
            Keys.onDownPressed: (searching ? searchList : conversationList).forceActiveFocus()
        }

        // Conversations.
        ListView {
            id: conversationList
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: !root.searching
            clip: true
            model: root.chat.conversations
            keyNavigationEnabled: true
            activeFocusOnTab: true
            currentIndex: -1
            Accessible.name: qsTr("Conversations")
            Accessible.role: Accessible.List
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: item
                required property int index
                required property var conversationId
                required property string title
                property bool editing: false

                width: ListView.view.width
                highlighted: conversationId === root.chat.conversationId
                background: Rectangle {
                    radius: 6
                    color: item.highlighted ? Theme.selection : (item.hovered ? Theme.surface : "transparent")
                    border.color: item.visualFocus ? Theme.accent : "transparent"
                }
                text: title !== "" ? title : qsTr("Untitled")
                Accessible.name: qsTr("Conversation: %1").arg(text)
                onClicked: root.chat.openConversation(conversationId)
                Keys.onReturnPressed: clicked()
                Keys.onDeletePressed: root.chat.deleteConversation(conversationId)
                Keys.onPressed: (event) => {
                    if (event.key === Qt.Key_F2) { item.startRename(); event.accepted = true }
                }

                function startRename() {
                    editing = true
                    renameField.text = title
                    renameField.forceActiveFocus()
                    renameField.selectAll()
                }

                contentItem: RowLayout {
                    spacing: 2
                    Label {
                        Layout.fillWidth: true
                        visible: !item.editing
                        text: item.text
                        elide: Text.ElideRight
                        color: Theme.text
                        font.bold: item.highlighted
                    }
                    TextField {
                        id: renameField
                        objectName: "renameField"
                        Layout.fillWidth: true
                        visible: item.editing
                        Accessible.name: qsTr("New title")
                        onAccepted: {
                            root.chat.renameConversation(item.conversationId, text)
                            item.editing = false
                        }
                        Keys.onEscapePressed: item.editing = false
                        onActiveFocusChanged: if (!activeFocus) item.editing = false
                    }
                    ToolButton {
                        objectName: "renameButton"
                        visible: !item.editing && (item.hovered || item.highlighted || item.activeFocus)
                        icon.source: "qrc:/icons/icons/edit.svg"
                        icon.color: Theme.mutedText
                        icon.width: 16
                        icon.height: 16
                        padding: 4
                        onClicked: item.startRename()
                        Accessible.name: qsTr("Rename “%1”").arg(item.text)
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Rename (F2)")
                    }
                    ToolButton {
                        objectName: "deleteButton"
                        visible: !item.editing && (item.hovered || item.highlighted || item.activeFocus)
                        icon.source: "qrc:/icons/icons/delete.svg"
                        icon.color: Theme.mutedText
                        icon.width: 16
                        icon.height: 16
                        padding: 4
                        onClicked: root.chat.deleteConversation(item.conversationId)
                        Accessible.name: qsTr("Delete “%1”").arg(item.text)
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Delete (Del)")
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 20
                visible: conversationList.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                color: Theme.mutedText
                text: qsTr("Your conversations will appear here.")
            }
        }

        // Search results across every conversation.
        ListView {
            id: searchList
            objectName: "searchResults"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: root.searching
            clip: true
            model: root.chat.searchResults
            keyNavigationEnabled: true
            activeFocusOnTab: true
            Accessible.name: qsTr("Search results")
            Accessible.role: Accessible.List
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: hit
                required property int index
                required property string title
                required property string snippet
                required property string snippetText
                width: ListView.view.width
                background: Rectangle {
                    radius: 6
                    color: hit.hovered || hit.visualFocus ? Theme.surface : "transparent"
                }
                Accessible.name: qsTr("%1: %2").arg(title).arg(snippetText)
                onClicked: root.chat.openSearchResult(index)
                Keys.onReturnPressed: clicked()
                contentItem: ColumnLayout {
                    spacing: 2
                    Label {
                        Layout.fillWidth: true
                        text: hit.title !== "" ? hit.title : qsTr("Untitled")
                        font.bold: true
                        elide: Text.ElideRight
                        color: Theme.text
                    }
                    Label {
                        Layout.fillWidth: true
                        text: hit.snippet
                        textFormat: Text.StyledText
                        wrapMode: Text.WordWrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        color: Theme.mutedText
                        font.pixelSize: 12
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: searchList.count === 0
                color: Theme.mutedText
                text: qsTr("Nothing found")
            }
        }

        // Undo for a delete, for a few seconds.
        RowLayout {
            Layout.fillWidth: true
            visible: root.chat.canUndoDelete
            Label {
                Layout.fillWidth: true
                text: qsTr("Conversation deleted")
                color: Theme.mutedText
            }
            Button {
                objectName: "undoDeleteButton"
                text: qsTr("Undo")
                onClicked: root.chat.undoDelete()
                Accessible.name: qsTr("Undo the delete")
            }
        }
    }
}
