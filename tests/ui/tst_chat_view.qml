// The chat page with a scripted engine: sending, a reply streaming into the view token by token, Stop,
// Regenerate, Edit and resend, Copy, Markdown code blocks, and the view following the stream.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "ChatView"
    when: windowShown
    visible: true
    width: 900
    height: 700

    Component { id: appComponent; AppController {} }
    Component { id: pageComponent; ChatPage { width: testCase.width; height: testCase.height } }

    property var app: null
    property var page: null

    function init() {
        FakeEngine.reset()
        const dir = FakeEngine.newDataDir()
        FakeEngine.writeModel(dir, "gemma-2b-it", "2B")
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"  // the tests read English text, whatever this machine's language
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
        page = pageComponent.createObject(testCase, { app: app })
        verify(page)
    }

    function cleanup() {
        FakeEngine.reset()   // unblocks a gated reply so the worker can finish
        page.destroy()
        page = null
        wait(0)
        app.destroy()
        app = null
        wait(0)
    }

    function list() { return findChild(page, "messageList") }
    function input() { return findChild(page, "composerInput") }
    function messageItem(row) {
        let item = null
        tryVerify(() => { item = list().itemAtIndex(row); return item !== null }, 3000, "message row " + row)
        return item
    }
    function typeAndSend(text) {
        input().forceActiveFocus()
        input().text = text
        keyClick(Qt.Key_Return)
    }
    // The text the reply's Markdown view holds now (its segments joined).
    function renderedReply(row) {
        const view = findChild(messageItem(row), "replyView")
        return view ? view.text : ""
    }

    function test_enter_sends_and_clears_the_composer() {
        typeAndSend("Hi there")
        tryCompare(app.chat.messages, "count", 2)
        compare(messageItem(0).role, "user")
        compare(messageItem(0).text, "Hi there")
        compare(input().text, "")
        tryCompare(messageItem(1), "state", "complete")
        compare(messageItem(1).text, "Hello, world!")
        compare(FakeEngine.lastConversation.length, 1)
        compare(FakeEngine.lastConversation[0].text, "Hi there")
    }

    function test_shift_enter_is_a_new_line_not_send() {
        input().forceActiveFocus()
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_Return, Qt.ShiftModifier)
        keyClick(Qt.Key_B)
        compare(input().text, "a\nb")
        compare(app.chat.messages.count, 0)
        keyClick(Qt.Key_Return)
        tryCompare(app.chat.messages, "count", 2)
        compare(messageItem(0).text, "a\nb")
    }

    function test_empty_message_is_not_sent() {
        typeAndSend("   ")
        wait(50)
        compare(app.chat.messages.count, 0)
        compare(FakeEngine.replyCount, 0)
    }

    function test_reply_streams_into_the_view_token_by_token() {
        FakeEngine.gated = true
        FakeEngine.tokens = ["The", " sky", " is", " blue"]
        typeAndSend("Why is the sky blue?")
        tryCompare(app.chat, "generating", true)
        const reply = messageItem(1)
        compare(reply.text, "")
        verify(findChild(page, "stopButton").visible)
        verify(!findChild(page, "sendButton").visible)
        const expected = ["The", "The sky", "The sky is", "The sky is blue"]
        for (let i = 0; i < expected.length; ++i) {
            FakeEngine.release(1)
            tryCompare(reply, "text", expected[i])
            tryCompare(findChild(reply, "replyView"), "text", expected[i])
            if (i + 1 < expected.length) compare(reply.state, "streaming")
        }
        tryCompare(reply, "state", "complete")
        tryCompare(app.chat, "generating", false)
        verify(findChild(page, "sendButton").visible)
    }

    function test_stop_halts_the_reply_within_one_token() {
        FakeEngine.gated = true
        FakeEngine.tokens = ["one", " two", " three", " four", " five"]
        typeAndSend("Count")
        const reply = messageItem(1)
        FakeEngine.release(2)
        tryCompare(reply, "text", "one two")
        mouseClick(findChild(page, "stopButton"))
        FakeEngine.release(3)  // tokens the engine would have made: none may arrive after Stop
        tryCompare(reply, "state", "stopped")
        compare(reply.text, "one two")
        tryCompare(app.chat, "generating", false)
        verify(findChild(reply, "stateLabel").visible)
    }

    function test_regenerate_adds_an_alternative_reply() {
        typeAndSend("Tell me a joke")
        tryCompare(messageItem(1), "state", "complete")
        FakeEngine.tokens = ["Another", " one"]
        mouseClick(findChild(messageItem(1), "regenerateButton"))
        tryCompare(FakeEngine, "replyCount", 2)
        // The engine got the conversation up to the user's message, not the old reply.
        compare(FakeEngine.lastConversation.length, 1)
        compare(FakeEngine.lastConversation[0].text, "Tell me a joke")
        tryCompare(messageItem(1), "text", "Another one")
        tryCompare(messageItem(1), "state", "complete")
        compare(messageItem(1).branchCount, 2)
        compare(messageItem(1).branchIndex, 1)
        // Back to the first version.
        mouseClick(findChild(messageItem(1), "previousBranchButton"))
        tryCompare(messageItem(1), "text", "Hello, world!")
    }

    function test_edit_and_resend() {
        typeAndSend("Wrong question")
        tryCompare(messageItem(1), "state", "complete")
        mouseClick(findChild(messageItem(0), "editButton"))
        const edit = findChild(messageItem(0), "editArea")
        tryCompare(edit, "visible", true)
        compare(edit.text, "Wrong question")
        edit.text = "Right question"
        FakeEngine.tokens = ["Better"]
        mouseClick(findChild(messageItem(0), "saveEditButton"))
        tryCompare(FakeEngine, "replyCount", 2)
        compare(FakeEngine.lastConversation.length, 1)
        compare(FakeEngine.lastConversation[0].text, "Right question")
        tryCompare(messageItem(0), "text", "Right question")
        compare(messageItem(0).branchCount, 2)
        tryCompare(messageItem(1), "text", "Better")
        compare(app.chat.messages.count, 2)
    }

    function test_second_turn_sends_the_whole_conversation() {
        typeAndSend("First")
        tryCompare(messageItem(1), "state", "complete")
        typeAndSend("Second")
        tryCompare(FakeEngine, "replyCount", 2)
        const sent = FakeEngine.lastConversation
        compare(sent.length, 3)
        compare(sent[0].role, "user")
        compare(sent[1].role, "model")
        compare(sent[1].text, "Hello, world!")
        compare(sent[2].text, "Second")
    }

    function test_copy_a_message() {
        Helpers.setClipboardText("")
        typeAndSend("Copy me")
        tryCompare(messageItem(1), "state", "complete")
        mouseClick(findChild(messageItem(1), "copyButton"))
        compare(Helpers.clipboardText(), "Hello, world!")
        mouseClick(findChild(messageItem(0), "copyButton"))
        compare(Helpers.clipboardText(), "Copy me")
    }

    function test_code_block_in_a_monospace_box_with_copy() {
        FakeEngine.tokens = ["## Example\n\n", "Run this:\n\n", "```python\n", "print('hi')\n", "x = 1\n", "```\n", "\nDone."]
        typeAndSend("Show code")
        tryCompare(messageItem(1), "state", "complete")
        const code = findChild(messageItem(1), "codeText")
        verify(code)
        compare(code.text, "print('hi')\nx = 1")
        compare(code.font.family, Theme.monospaceFamily)
        Helpers.setClipboardText("")
        mouseClick(findChild(messageItem(1), "copyCodeButton"))
        compare(Helpers.clipboardText(), "print('hi')\nx = 1")
    }

    function test_view_follows_the_stream_unless_scrolled_up() {
        FakeEngine.gated = true
        const tokens = []
        for (let i = 0; i < 80; ++i) tokens.push("Line " + i + " of a long reply.\n\n")
        FakeEngine.tokens = tokens
        typeAndSend("Write a lot")
        const view = list()
        const reply = messageItem(1)
        FakeEngine.release(40)
        tryVerify(() => reply.text.indexOf("Line 39") >= 0)
        wait(50)
        verify(view.contentHeight > view.height, "the reply is taller than the view")
        tryVerify(() => view.atYEnd, 2000, "following the stream")
        // The reader scrolls up: the view stays where they put it while the reply grows.
        mouseWheel(view, view.width / 2, view.height / 2, 0, 600)
        tryVerify(() => !view.atYEnd)
        tryVerify(() => !view.moving && !view.flicking)
        wait(300)  // a wheel scrolls smoothly: let it settle
        const page = findChild(testCase.page, "jumpToEndButton")
        tryCompare(page, "visible", true)
        const y = view.contentY
        FakeEngine.release(20)
        tryVerify(() => reply.text.indexOf("Line 59") >= 0)
        wait(50)
        compare(view.contentY, y)
        // Back to the end: following again.
        mouseClick(page)
        FakeEngine.release(20)
        tryCompare(reply, "state", "complete")
        wait(50)
        tryVerify(() => view.atYEnd, 2000, "following again")
    }

    function test_no_model_gives_a_clear_error() {
        app.engine.unload()
        tryCompare(app.engine, "state", EngineController.NoModel)
        verify(!app.chat.send("Hello?"))
        verify(app.chat.errorString.indexOf("No model is loaded") >= 0, app.chat.errorString)
        compare(FakeEngine.replyCount, 0)
    }
}
