// Titles the model suggests: after the first reply the model is asked (one extra user turn, in the
// background) and its cleaned answer replaces the automatic title; a title typed by the user is never
// replaced, a user's message during the request wins (the request is cancelled and asked again after that
// reply), and the setting turns it off. FakeEngine answers title requests with titleTokens.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "SuggestedTitle"
    when: windowShown
    visible: true
    width: 400
    height: 300

    Component { id: appComponent; AppController {} }

    property var app: null
    readonly property string instruction:
        "Write a short title (at most six words) for this conversation. Reply with the title only."

    function init() {
        FakeEngine.reset()
        const dir = FakeEngine.newDataDir()
        FakeEngine.writeModel(dir, "gemma-2b-it", "2B")
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
    }
    function cleanup() {
        FakeEngine.reset()
        app.destroy()
        app = null
        wait(0)
    }

    function test_the_automatic_title_is_replaced_by_the_cleaned_suggestion() {
        compare(app.settings.suggestTitles, true)  // on by default
        FakeEngine.titleTokens = ["**\"Fruit", " colours", "\"**", "."]
        verify(app.chat.send("Apples are red"))
        tryCompare(app.chat, "generating", false)
        tryCompare(app.chat, "conversationTitle", "Fruit colours")
        compare(FakeEngine.titleRequestCount, 1)
        compare(FakeEngine.replyCount, 1)  // the title request is no reply of the chat
        compare(app.chat.messages.count, 2)  // and leaves no message behind
        // It was asked with the conversation and the instruction as one more user turn.
        const asked = FakeEngine.lastTitleConversation
        compare(asked.length, 3)
        compare(asked[0].text, "Apples are red")
        compare(asked[1].role, "model")
        compare(asked[1].text, "Hello, world!")
        compare(asked[2].role, "user")
        compare(asked[2].text, instruction)
        tryCompare(app.chat, "suggestingTitle", false)
        // Only once: the next reply does not retitle.
        FakeEngine.titleTokens = ["Something else"]
        verify(app.chat.send("And bananas?"))
        tryCompare(app.chat, "generating", false)
        compare(app.chat.suggestingTitle, false)
        compare(FakeEngine.titleRequestCount, 1)
        compare(app.chat.conversationTitle, "Fruit colours")
    }

    function test_nonsense_is_not_a_title() {
        FakeEngine.titleTokens = ["**", " ...", "\n"]
        verify(app.chat.send("Apples are red"))
        tryCompare(app.chat, "generating", false)
        tryCompare(FakeEngine, "titleRequestCount", 1)
        tryCompare(app.chat, "suggestingTitle", false)
        compare(app.chat.conversationTitle, "Apples are red")
    }

    function test_a_title_renamed_by_hand_is_kept() {
        // Renamed before the reply ends: the model is not even asked.
        FakeEngine.titleTokens = ["Fruit colours"]
        FakeEngine.gated = true
        verify(app.chat.send("Apples are red"))
        tryCompare(FakeEngine, "replyCount", 1)
        verify(app.chat.renameConversation(app.chat.conversationId, "My apples"))
        FakeEngine.release(4)
        tryCompare(app.chat, "generating", false)
        compare(app.chat.suggestingTitle, false)
        compare(FakeEngine.titleRequestCount, 0)
        compare(app.chat.conversationTitle, "My apples")

        // Renamed while the model is thinking of a title: the answer is dropped.
        app.chat.newConversation()
        verify(app.chat.send("Bananas are yellow"))
        FakeEngine.release(4)
        tryCompare(app.chat, "generating", false)
        compare(app.chat.suggestingTitle, true)
        tryCompare(FakeEngine, "titleRequestCount", 1)
        verify(app.chat.renameConversation(app.chat.conversationId, "My bananas"))
        FakeEngine.release(1)
        tryCompare(app.chat, "suggestingTitle", false)
        compare(FakeEngine.titleCancelCount, 0)  // it did answer
        compare(app.chat.conversationTitle, "My bananas")
    }

    function test_a_user_message_during_the_request_wins() {
        FakeEngine.titleTokens = ["Fruit", " colours"]
        FakeEngine.gated = true
        verify(app.chat.send("Apples are red"))
        FakeEngine.release(4)
        tryCompare(app.chat, "generating", false)
        tryCompare(FakeEngine, "titleRequestCount", 1)
        verify(app.chat.suggestingTitle)
        // A background request: the engine is not busy for the view.
        compare(app.engine.generating, false)
        // The user sends before any title token came: the title request is cancelled, the reply runs.
        verify(app.chat.send("And bananas?"))
        tryCompare(FakeEngine, "titleCancelCount", 1)
        tryCompare(FakeEngine, "replyCount", 2)
        compare(FakeEngine.lastConversation[2].text, "And bananas?")
        FakeEngine.release(4)
        tryCompare(app.chat, "generating", false)
        compare(app.chat.lastReplyText(), "Hello, world!")
        compare(app.chat.messages.count, 4)
        // Nothing from the cancelled request was applied; the model is asked again after this reply.
        tryCompare(FakeEngine, "titleRequestCount", 2)
        compare(app.chat.conversationTitle, "Apples are red")
        compare(FakeEngine.lastTitleConversation.length, 5)
        FakeEngine.release(2)
        tryCompare(app.chat, "conversationTitle", "Fruit colours")
    }

    function test_the_setting_turns_it_off() {
        app.settings.suggestTitles = false
        FakeEngine.titleTokens = ["Fruit colours"]
        verify(app.chat.send("Apples are red"))
        tryCompare(app.chat, "generating", false)
        // Were it on, the request would have started as the reply ended.
        compare(app.chat.suggestingTitle, false)
        compare(FakeEngine.titleRequestCount, 0)
        compare(app.chat.conversationTitle, "Apples are red")
    }
}
