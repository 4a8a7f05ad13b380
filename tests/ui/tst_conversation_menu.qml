// The conversation menu: exporting the open conversation in every format, exporting all of them (one JSON
// file, a folder of Markdown) and importing the JSON back, failures said in words, the menu's names, and
// "Delete all" behind a confirmation whose default is Cancel. The exports are driven through the
// controller with temp URLs, as the file dialogs would call it.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "ConversationMenu"
    when: windowShown
    visible: true
    width: 900
    height: 700

    Component { id: appComponent; AppController {} }
    Component { id: pageComponent; ChatPage { width: testCase.width; height: testCase.height - 50 } }
    Component { id: menuComponent; ConversationMenu { x: testCase.width - 60; y: testCase.height - 50 } }
    SignalSpy { id: jobSpy; signalName: "jobFinished" }

    property var app: null
    property var page: null
    property var menuButton: null
    property string dir: ""

    function init() {
        FakeEngine.reset()
        dir = FakeEngine.newDataDir()
        FakeEngine.writeModel(dir, "gemma-2b-it", "2B")
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
        page = pageComponent.createObject(testCase, { app: app })
        menuButton = menuComponent.createObject(testCase, { app: app })
        jobSpy.target = app.exporter
        jobSpy.clear()
    }

    function cleanup() {
        FakeEngine.reset()
        menuButton.destroy()
        page.destroy()
        menuButton = null
        page = null
        wait(0)
        app.destroy()
        app = null
        wait(0)
    }

    function url(path) { return "file://" + path }
    function converse(text) {
        verify(app.chat.send(text))
        tryCompare(app.chat, "generating", false)
    }
    function waitForJob(ok) {
        jobSpy.wait(10000)
        compare(jobSpy.signalArguments[jobSpy.count - 1][0], ok, app.exporter.message)
        compare(app.exporter.busy, false)
    }
    function banner(name) { return findChild(page, name) }

    function test_export_the_open_conversation_in_each_format_data() {
        return [
            { tag: "markdown", format: "markdown", file: "chat.md" },
            { tag: "json", format: "json", file: "chat.json" },
            { tag: "html", format: "html", file: "chat.html" },
            { tag: "text", format: "text", file: "chat.txt" },
            { tag: "pdf", format: "pdf", file: "chat.pdf" }
        ]
    }
    function test_export_the_open_conversation_in_each_format(data) {
        converse("Apples are red")
        const path = dir + "/" + data.file
        verify(app.exporter.exportConversation(data.format, url(path)))
        waitForJob(true)
        verify(Helpers.fileExists(path))
        const text = Helpers.readFile(path)
        if (data.format === "pdf") {
            compare(text.substring(0, 5), "%PDF-")
        } else {
            verify(text.indexOf("Apples are red") >= 0, text)
            verify(text.indexOf("Hello, world!") >= 0, text)
        }
        compare(app.exporter.failed, false)
        compare(app.exporter.message, "Saved to " + path)
        compare(app.exporter.lastPath, path)
        // The result is shown in the chat, and can be dismissed.
        // (The banners are made anew whenever one changes: look each up again.)
        tryVerify(() => banner("exportBanner").visible)
        compare(banner("exportBanner").Accessible.name, "Saved to " + path)
        mouseClick(findChild(banner("exportBanner"), "dismissBanner"))
        tryVerify(() => !banner("exportBanner").visible)
        compare(app.exporter.message, "")
    }

    function test_export_of_nothing_and_failures_are_said() {
        // No conversation open yet.
        verify(!app.exporter.exportConversation("markdown", url(dir + "/none.md")))
        verify(app.exporter.failed)
        verify(app.exporter.message.indexOf("no conversation") >= 0, app.exporter.message)
        // A place that cannot be written.
        converse("Apples are red")
        // Beneath a file, where no folder can be made.
        verify(app.exporter.exportConversation("markdown", url(dir + "/settings.ini/x.md")))
        waitForJob(false)
        verify(app.exporter.failed)
        verify(app.exporter.message.indexOf("Could not export") === 0, app.exporter.message)
        tryVerify(() => banner("exportBanner").visible)
        verify(!Helpers.fileExists(dir + "/settings.ini/x.md"))
    }

    function test_export_all_and_import_round_trip() {
        converse("Apples are red")
        app.chat.newConversation()
        converse("Bananas are yellow")
        compare(app.chat.conversationCount, 2)

        const json = dir + "/all.json"
        verify(app.exporter.exportAll("json", url(json)))
        waitForJob(true)
        const text = Helpers.readFile(json)
        verify(text.indexOf("Apples are red") >= 0)
        verify(text.indexOf("Bananas are yellow") >= 0)

        const folder = dir + "/markdown"
        verify(app.exporter.exportAll("markdown", url(folder)))
        waitForJob(true)
        const files = Helpers.filesIn(folder)
        compare(files.length, 2)
        const both = Helpers.readFile(folder + "/" + files[0]) + Helpers.readFile(folder + "/" + files[1])
        verify(both.indexOf("Apples are red") >= 0)
        verify(both.indexOf("Bananas are yellow") >= 0)
        compare(app.exporter.message, "Saved to " + folder)

        verify(app.chat.deleteAllConversations())
        compare(app.chat.conversationCount, 0)
        verify(app.exporter.importConversations(url(json)))
        waitForJob(true)
        compare(app.chat.conversationCount, 2)
        compare(app.exporter.message, "Imported 2 conversations from " + json + ".")
        // The imported conversations are the same: open one and find its messages.
        const list = app.chat.conversations
        tryCompare(list, "count", 2)
    }

    function test_import_of_a_bad_file_changes_nothing() {
        converse("Apples are red")
        const bad = dir + "/settings.ini"  // not an export
        verify(app.exporter.importConversations(url(bad)))
        waitForJob(false)
        verify(app.exporter.message.indexOf("Could not import the conversations") === 0, app.exporter.message)
        compare(app.chat.conversationCount, 1)
    }

    function test_menu_items_have_names_and_follow_the_state() {
        mouseClick(menuButton)
        const menu = menuButton.menu
        tryCompare(menu, "opened", true)
        verify(menuButton.Accessible.name !== "")
        const names = ["exportAllJsonItem", "exportAllMarkdownItem", "importItem", "deleteAllItem",
                       "exportMarkdownItem", "exportJsonItem", "exportHtmlItem", "exportPdfItem", "exportTextItem"]
        for (const name of names) {
            const item = findChild(testCase.Window.window.contentItem, name) || findChild(menu.contentItem, name)
            verify(item !== null, name)
            verify(item.Accessible.name !== "", name)
        }
        // No conversation yet: nothing to export or delete.
        compare(findChild(menu.contentItem, "deleteAllItem").enabled, false)
        compare(menu.itemAt(0).enabled, false)  // the "Export this conversation" submenu
        menu.close()
        converse("Apples are red")
        compare(findChild(menu.contentItem, "deleteAllItem").enabled, true)
        compare(menu.itemAt(0).enabled, true)
    }

    function openDeleteAll() {
        mouseClick(menuButton)
        tryCompare(menuButton.menu, "opened", true)
        mouseClick(findChild(menuButton.menu.contentItem, "deleteAllItem"))
        const dialog = menuButton.deleteAllDialog
        tryCompare(dialog, "opened", true)
        return dialog
    }

    function test_delete_all_asks_first_and_cancel_is_the_default() {
        converse("Apples are red")
        app.chat.newConversation()
        converse("Bananas are yellow")
        let dialog = openDeleteAll()
        const text = findChild(dialog.contentItem, "deleteAllText")
        compare(text.text, "All 2 conversations will be deleted. This cannot be undone.")
        const cancel = findChild(dialog.footer, "cancelDeleteAllButton")
        verify(cancel.activeFocus, "Cancel has the focus")
        for (const name of ["cancelDeleteAllButton", "confirmDeleteAllButton", "exportFirstButton"]) {
            verify(findChild(dialog.footer, name).Accessible.name !== "", name)
        }
        // Enter means Cancel: everything stays.
        keyClick(Qt.Key_Return)
        tryCompare(dialog, "opened", false)
        compare(app.chat.conversationCount, 2)
        // Cancel by click: everything stays.
        dialog = openDeleteAll()
        mouseClick(findChild(dialog.footer, "cancelDeleteAllButton"))
        tryCompare(dialog, "opened", false)
        compare(app.chat.conversationCount, 2)
        compare(app.chat.conversations.count, 2)
        // Confirmed: all gone, and the chat is a new one.
        dialog = openDeleteAll()
        mouseClick(findChild(dialog.footer, "confirmDeleteAllButton"))
        tryCompare(dialog, "opened", false)
        compare(app.chat.conversationCount, 0)
        tryCompare(app.chat.conversations, "count", 0)
        compare(app.chat.conversationId, 0)
        compare(app.chat.messages.count, 0)
    }

    function test_delete_all_while_a_reply_streams() {
        FakeEngine.gated = true
        verify(app.chat.send("Apples are red"))
        tryCompare(FakeEngine, "replyCount", 1)
        verify(app.chat.generating)
        verify(app.chat.deleteAllConversations())
        tryCompare(app.chat, "generating", false)
        compare(app.chat.conversationCount, 0)
        tryCompare(app.chat.conversations, "count", 0)
    }
}
