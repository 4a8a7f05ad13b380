// The window's header: the sidebar toggle, the open conversation's title, the model picker, the
// conversation menu (export, import, delete all) and Settings.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

ToolBar {
    id: root
    required property AppController app
    property bool sidebarVisible: true
    signal toggleSidebar()
    signal openSettings()
    signal importFolder()
    signal importFile()

    background: Rectangle {
        color: Theme.window
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 6
        anchors.rightMargin: 6
        spacing: 6

        ToolButton {
            objectName: "sidebarToggle"
            icon.source: "qrc:/icons/icons/menu.svg"
            icon.color: Theme.text
            onClicked: root.toggleSidebar()
            Accessible.name: root.sidebarVisible ? qsTr("Hide the conversation list") : qsTr("Show the conversation list")
            ToolTip.visible: hovered
            ToolTip.text: Accessible.name
        }

        ModelPicker {
            objectName: "modelPicker"
            app: root.app
            onImportFolder: root.importFolder()
            onImportFile: root.importFile()
        }

        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            elide: Text.ElideRight
            text: root.app.chat.conversationTitle !== "" ? root.app.chat.conversationTitle : qsTr("New chat")
            color: Theme.mutedText
            font.pixelSize: 14
            Accessible.name: qsTr("Conversation: %1").arg(text)
        }

        ConversationMenu {
            app: root.app
        }

        ToolButton {
            objectName: "settingsButton"
            icon.source: "qrc:/icons/icons/settings.svg"
            icon.color: Theme.text
            onClicked: root.openSettings()
            Accessible.name: qsTr("Settings")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Settings (Ctrl+,)")
        }
    }
}
