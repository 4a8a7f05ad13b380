// The main window: the conversation sidebar, the chat (or the welcome view when there is no model yet),
// the header with the model picker, and the status line. Also the window-wide keyboard shortcuts and
// drag-and-drop import.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import GemmaChat

ApplicationWindow {
    id: window
    required property AppController app

    width: 1200
    height: 780
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: app.chat && app.chat.conversationTitle !== ""
           ? qsTr("%1 — GemmaChat").arg(app.chat.conversationTitle) : qsTr("GemmaChat")
    color: Theme.window

    SystemPalette { id: systemPalette; colorGroup: SystemPalette.Active }
    readonly property bool systemIsDark: (systemPalette.window.r + systemPalette.window.g + systemPalette.window.b) / 3 < 0.5
    Binding {
        target: Theme
        property: "dark"
        value: window.app.settings.theme === "dark"
               || (window.app.settings.theme === "system" && window.systemIsDark)
    }

    palette {
        window: Theme.window
        windowText: Theme.text
        base: Theme.raised
        alternateBase: Theme.surface
        text: Theme.text
        button: Theme.surface
        buttonText: Theme.text
        highlight: Theme.accent
        highlightedText: Theme.accentText
        placeholderText: Theme.mutedText
        toolTipBase: Theme.raised
        toolTipText: Theme.text
        light: Theme.raised
        midlight: Theme.surface
        mid: Theme.border
        dark: Theme.border
        shadow: Theme.dark ? "#000000" : "#a0a0a0"
        link: Theme.accent
    }

    // Nothing to talk to yet: the chat page shows only the welcome view (no composer).
    readonly property bool showWelcome: chatPage.nothingToTalkTo

    header: HeaderBar {
        app: window.app
        sidebarVisible: sidebar.visible
        onToggleSidebar: sidebar.visible = !sidebar.visible
        onOpenSettings: settingsDialog.open()
        onImportFolder: folderDialog.open()
        onImportFile: fileDialog.open()
    }

    footer: StatusLine { app: window.app }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            app: window.app
            Layout.fillHeight: true
            Layout.preferredWidth: 270
            visible: window.width > 760
        }

        ChatPage {
            id: chatPage
            app: window.app
            Layout.fillWidth: true
            Layout.fillHeight: true
            onImportFolder: folderDialog.open()
            onImportFile: fileDialog.open()
        }
    }

    ImportPanel {
        id: importPanel
        app: window.app
        anchors.centerIn: parent
    }

    SettingsDialog {
        id: settingsDialog
        app: window.app
        anchors.centerIn: parent
    }

    FolderDialog {
        id: folderDialog
        title: qsTr("Choose a Hugging Face model folder")
        onAccepted: window.app.importer.start(window.app.localPath(selectedFolder))
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Choose a GGUF file")
        nameFilters: [qsTr("GGUF files (*.gguf)"), qsTr("All files (*)")]
        onAccepted: window.app.importer.start(window.app.localPath(selectedFile))
    }

    // Drop a Hugging Face folder or a .gguf file anywhere on the window to import it.
    DropArea {
        id: dropArea
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (drop) => {
            if (drop.hasUrls && drop.urls.length > 0) {
                window.app.importer.start(window.app.localPath(drop.urls[0]))
                drop.acceptProposedAction()
            }
        }
        Rectangle {
            anchors.fill: parent
            visible: dropArea.containsDrag
            color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.12)
            border.color: Theme.accent
            border.width: 3
            Label {
                anchors.centerIn: parent
                text: qsTr("Drop a Hugging Face folder or a GGUF file to import it")
                font.pixelSize: 20
                color: Theme.text
            }
        }
    }

    Shortcut {
        sequence: "Ctrl+N"
        onActivated: { window.app.chat.newConversation(); chatPage.focusComposer() }
    }
    Shortcut {
        sequence: "Ctrl+F"
        onActivated: { sidebar.visible = true; sidebar.focusSearch() }
    }
    Shortcut {
        sequence: "Ctrl+L"
        onActivated: chatPage.focusComposer()
    }
    Shortcut {
        sequence: "Escape"
        enabled: window.app.chat.generating
        onActivated: window.app.chat.stop()
    }
    Shortcut {
        sequence: "Ctrl+Shift+C"
        onActivated: {
            const text = window.app.chat.lastReplyText()
            if (text !== "") window.app.copyText(text)
        }
    }
    Shortcut {
        sequence: "Ctrl+,"
        onActivated: settingsDialog.open()
    }

    Component.onCompleted: chatPage.focusComposer()
}
