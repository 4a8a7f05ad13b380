// "Delete all conversations?": says how many, offers to export them first, and Cancel is the default (it
// has the focus, and Enter means Cancel), because the delete cannot be undone.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Dialog {
    id: root
    required property AppController app
    // The user chose to export everything before deciding.
    signal exportFirst()

    objectName: "deleteAllDialog"
    title: qsTr("Delete all conversations?")
    modal: true
    width: Math.min(460, parent ? parent.width - 40 : 460)
    closePolicy: Popup.CloseOnEscape

    readonly property int count: app.chat.conversationCount

    onOpened: cancelButton.forceActiveFocus()

    contentItem: ColumnLayout {
        spacing: 10
        Label {
            objectName: "deleteAllText"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.text
            text: root.count === 1 ? qsTr("The one conversation will be deleted. This cannot be undone.")
                                   : qsTr("All %1 conversations will be deleted. This cannot be undone.").arg(root.count)
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.mutedText
            text: qsTr("To keep a copy, export them first: a JSON file can be imported again later.")
        }
        Keys.onReturnPressed: root.reject()
        Keys.onEnterPressed: root.reject()
    }

    footer: DialogButtonBox {
        Button {
            objectName: "exportFirstButton"
            text: qsTr("Export all first…")
            Accessible.name: qsTr("Export all conversations first")
            DialogButtonBox.buttonRole: DialogButtonBox.ActionRole
            onClicked: { root.close(); root.exportFirst() }
        }
        Button {
            id: cancelButton
            objectName: "cancelDeleteAllButton"
            text: qsTr("Cancel")
            Accessible.name: qsTr("Cancel, keep all conversations")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            Keys.onReturnPressed: root.reject()
            Keys.onEnterPressed: root.reject()
        }
        Button {
            objectName: "confirmDeleteAllButton"
            text: qsTr("Delete all")
            Accessible.name: qsTr("Delete all conversations now")
            enabled: root.count > 0
            DialogButtonBox.buttonRole: DialogButtonBox.DestructiveRole
            palette.buttonText: Theme.danger
            onClicked: { root.close(); root.app.chat.deleteAllConversations() }
        }
    }
}
