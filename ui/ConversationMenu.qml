// The conversation menu in the header: export the open conversation (its current branch) as Markdown,
// JSON, HTML, PDF or plain text; export every conversation to one JSON file or a folder of Markdown files;
// import a JSON export; delete all conversations (after asking). The dialogs hand their URLs to
// app.exporter, which writes off the GUI thread and says "Saved to …" (or what went wrong) in the chat.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import GemmaChat

ToolButton {
    id: root
    required property AppController app
    readonly property alias menu: menu
    readonly property alias deleteAllDialog: deleteAllDialog

    objectName: "conversationMenuButton"
    icon.source: "qrc:/icons/icons/more.svg"
    icon.color: Theme.text
    Accessible.name: qsTr("Conversations: export, import, delete all")
    ToolTip.visible: hovered
    ToolTip.text: Accessible.name
    onClicked: menu.open()

    // What each export format is called in the menu and in the save dialog's filter.
    function formatFilter(format) {
        switch (format) {
        case "markdown": return qsTr("Markdown files (*.md)")
        case "json": return qsTr("JSON files (*.json)")
        case "html": return qsTr("Web pages (*.html)")
        case "pdf": return qsTr("PDF documents (*.pdf)")
        default: return qsTr("Text files (*.txt)")
        }
    }

    function exportConversation(format) {
        saveDialog.format = format
        saveDialog.all = false
        saveDialog.title = qsTr("Export this conversation")
        saveDialog.nameFilters = [formatFilter(format), qsTr("All files (*)")]
        saveDialog.selectedFile = folderUrl(root.app.exporter.suggestedFileName(format))
        saveDialog.open()
    }
    function exportAllJson() {
        saveDialog.format = "json"
        saveDialog.all = true
        saveDialog.title = qsTr("Export all conversations")
        saveDialog.nameFilters = [formatFilter("json"), qsTr("All files (*)")]
        saveDialog.selectedFile = folderUrl(qsTr("GemmaChat conversations") + ".json")
        saveDialog.open()
    }
    function folderUrl(name) {
        const folder = String(root.app.exporter.defaultFolder())
        return name === "" ? folder : folder + "/" + encodeURIComponent(name)
    }

    Menu {
        id: menu
        objectName: "conversationMenu"
        y: root.height
        // Wide enough for the longest item in English and Korean (Menu does not size to its items).
        width: 360

        Menu {
            id: exportMenu
            objectName: "exportMenu"
            title: qsTr("Export this conversation")
            enabled: root.app.chat.conversationId !== 0 && !root.app.exporter.busy
            MenuItem {
                objectName: "exportMarkdownItem"
                text: qsTr("Markdown…")
                Accessible.name: qsTr("Export this conversation as Markdown")
                onTriggered: root.exportConversation("markdown")
            }
            MenuItem {
                objectName: "exportJsonItem"
                text: qsTr("JSON…")
                Accessible.name: qsTr("Export this conversation as JSON")
                onTriggered: root.exportConversation("json")
            }
            MenuItem {
                objectName: "exportHtmlItem"
                text: qsTr("HTML…")
                Accessible.name: qsTr("Export this conversation as HTML")
                onTriggered: root.exportConversation("html")
            }
            MenuItem {
                objectName: "exportPdfItem"
                text: qsTr("PDF…")
                Accessible.name: qsTr("Export this conversation as PDF")
                onTriggered: root.exportConversation("pdf")
            }
            MenuItem {
                objectName: "exportTextItem"
                text: qsTr("Plain text…")
                Accessible.name: qsTr("Export this conversation as plain text")
                onTriggered: root.exportConversation("text")
            }
        }
        MenuSeparator {}
        MenuItem {
            objectName: "exportAllJsonItem"
            text: qsTr("Export all conversations to a JSON file…")
            Accessible.name: qsTr("Export all conversations to a JSON file")
            enabled: !root.app.exporter.busy
            onTriggered: root.exportAllJson()
        }
        MenuItem {
            objectName: "exportAllMarkdownItem"
            text: qsTr("Export all conversations as Markdown files…")
            Accessible.name: qsTr("Export all conversations as Markdown files into a folder")
            enabled: !root.app.exporter.busy
            onTriggered: markdownFolderDialog.open()
        }
        MenuItem {
            objectName: "importItem"
            text: qsTr("Import conversations…")
            Accessible.name: qsTr("Import conversations from a JSON export")
            enabled: !root.app.exporter.busy
            onTriggered: importDialog.open()
        }
        MenuSeparator {}
        MenuItem {
            objectName: "deleteAllItem"
            text: qsTr("Delete all conversations…")
            Accessible.name: qsTr("Delete all conversations")
            enabled: root.app.chat.conversationCount > 0
            onTriggered: deleteAllDialog.open()
        }
    }

    FileDialog {
        id: saveDialog
        property string format: "markdown"
        property bool all: false
        fileMode: FileDialog.SaveFile
        currentFolder: root.app.exporter.defaultFolder()
        onAccepted: {
            if (all) root.app.exporter.exportAll("json", selectedFile)
            else root.app.exporter.exportConversation(format, selectedFile)
        }
    }

    FolderDialog {
        id: markdownFolderDialog
        title: qsTr("Choose a folder for the Markdown files")
        currentFolder: root.app.exporter.defaultFolder()
        onAccepted: root.app.exporter.exportAll("markdown", selectedFolder)
    }

    FileDialog {
        id: importDialog
        title: qsTr("Import conversations")
        fileMode: FileDialog.OpenFile
        currentFolder: root.app.exporter.defaultFolder()
        nameFilters: [formatFilter("json"), qsTr("All files (*)")]
        onAccepted: root.app.exporter.importConversations(selectedFile)
    }

    DeleteAllDialog {
        id: deleteAllDialog
        app: root.app
        parent: Overlay.overlay
        anchors.centerIn: parent
        // Export everything, then ask again once the copy is saved.
        onExportFirst: { root.askAgainAfterExport = true; root.exportAllJson() }
    }
    property bool askAgainAfterExport: false
    Connections {
        target: root.app.exporter
        function onJobFinished(ok) {
            if (root.askAgainAfterExport && ok) deleteAllDialog.open()
            root.askAgainAfterExport = false
        }
    }
    Connections {
        target: saveDialog
        function onRejected() { root.askAgainAfterExport = false }
    }
}
