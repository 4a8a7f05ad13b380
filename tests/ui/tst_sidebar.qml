// The conversation sidebar: New chat, switching conversations, rename, delete with Undo, and search.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "Sidebar"
    when: windowShown
    visible: true
    width: 320
    height: 600

    Component { id: appComponent; AppController {} }
    Component { id: sidebarComponent; Sidebar { width: 300; height: 580 } }

    property var app: null
    property var sidebar: null

    function init() {
        FakeEngine.reset()
        const dir = FakeEngine.newDataDir()
        FakeEngine.writeModel(dir, "gemma-2b-it", "2B")
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
        sidebar = sidebarComponent.createObject(testCase, { app: app })
    }

    function cleanup() {
        FakeEngine.reset()
        sidebar.destroy()
        sidebar = null
        wait(0)
        app.destroy()
        app = null
        wait(0)
    }

    function list() { return findChild(sidebar, "conversationList") }
    function rowItem(row) {
        let item = null
        tryVerify(() => { item = list().itemAtIndex(row); return item !== null })
        return item
    }
    // Two conversations, the second newest.
    function makeTwo() {
        verify(app.chat.send("Apples are red"))
        tryCompare(app.chat, "generating", false)
        const first = app.chat.conversationId
        app.chat.newConversation()
        verify(app.chat.send("Bananas are yellow"))
        tryCompare(app.chat, "generating", false)
        tryCompare(list(), "count", 2)
        return first
    }

    function test_new_chat_and_switching() {
        const first = makeTwo()
        const second = app.chat.conversationId
        compare(rowItem(0).title, "Bananas are yellow")  // newest first
        verify(rowItem(0).highlighted)
        mouseClick(rowItem(1))
        tryCompare(app.chat, "conversationId", first)
        compare(app.chat.messages.count, 2)
        mouseClick(findChild(sidebar, "newChatButton"))
        compare(app.chat.conversationId, 0)
        compare(app.chat.messages.count, 0)
        verify(second !== first)
    }

    function test_rename() {
        makeTwo()
        const item = rowItem(0)
        mouseMove(item)
        mouseClick(findChild(item, "renameButton"))
        const field = findChild(item, "renameField")
        tryCompare(field, "visible", true)
        compare(field.text, "Bananas are yellow")
        field.selectAll()
        keyClick(Qt.Key_Delete)
        for (const c of "Fruit") keyClick(c)
        keyClick(Qt.Key_Return)
        tryCompare(rowItem(0), "title", "Fruit")
        compare(app.chat.conversationTitle, "Fruit")
    }

    function test_delete_and_undo() {
        makeTwo()
        const item = rowItem(0)
        mouseMove(item)
        mouseClick(findChild(item, "deleteButton"))
        tryCompare(list(), "count", 1)
        compare(app.chat.conversationId, 0)  // the open one was deleted: a new chat
        const undo = findChild(sidebar, "undoDeleteButton")
        tryCompare(undo, "visible", true)
        mouseClick(undo)
        tryCompare(list(), "count", 2)
    }

    function test_search_finds_a_message_and_opens_it() {
        const first = makeTwo()
        const field = findChild(sidebar, "searchField")
        field.forceActiveFocus()
        for (const c of "apples") keyClick(c)
        const results = findChild(sidebar, "searchResults")
        tryCompare(results, "visible", true)
        // Searches run off the GUI thread, one per keystroke: wait for the answer to the whole word.
        let hit = null
        tryVerify(() => {
            hit = results.count >= 1 && !app.chat.searchResults.busy ? results.itemAtIndex(0) : null
            return hit !== null && hit.title === "Apples are red"
        }, 5000)
        verify(!list().visible)
        mouseClick(hit)
        tryCompare(app.chat, "conversationId", first)
        keyClick(Qt.Key_Escape)  // clears the search
        compare(field.text, "")
        tryCompare(list(), "visible", true)
    }
}
