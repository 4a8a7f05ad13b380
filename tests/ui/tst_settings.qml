// The settings dialog: the system prompt (a conversation's own, else the global one) reaches the engine,
// and the reply settings are saved.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "Settings"
    when: windowShown
    visible: true
    width: 800
    height: 760

    Component { id: appComponent; AppController {} }
    Component { id: dialogComponent; SettingsDialog { width: 620; height: 720 } }

    property var app: null
    property var dialog: null
    property string dir

    function init() {
        FakeEngine.reset()
        dir = FakeEngine.newDataDir()
        FakeEngine.writeModel(dir, "gemma-2b-it", "2B")
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
        dialog = dialogComponent.createObject(testCase, { app: app })
    }

    function cleanup() {
        FakeEngine.reset()
        dialog.destroy()
        dialog = null
        wait(0)
        app.destroy()
        app = null
        wait(0)
    }

    function test_global_system_prompt_then_a_conversations_own() {
        dialog.open()
        tryCompare(dialog, "opened", true)
        const global = findChild(dialog, "globalSystemPrompt")
        global.forceActiveFocus()
        global.text = "Answer briefly."
        global.editingFinished()
        compare(app.settings.systemPrompt, "Answer briefly.")
        verify(app.chat.send("Hi"))
        tryCompare(app.chat, "generating", false)
        compare(FakeEngine.lastSystemPrompt, "Answer briefly.")

        const own = findChild(dialog, "conversationSystemPrompt")
        own.text = "Answer in Korean."
        own.editingFinished()
        verify(app.chat.send("Again"))
        tryCompare(app.chat, "generating", false)
        compare(FakeEngine.lastSystemPrompt, "Answer in Korean.")

        // A new chat starts with the global one; the first keeps its own.
        const first = app.chat.conversationId
        app.chat.newConversation()
        compare(app.chat.conversationSystemPrompt, "")
        verify(app.chat.send("New"))
        tryCompare(app.chat, "generating", false)
        compare(FakeEngine.lastSystemPrompt, "Answer briefly.")
        app.chat.openConversation(first)
        compare(app.chat.conversationSystemPrompt, "Answer in Korean.")
    }

    function test_reply_settings_are_saved() {
        dialog.open()
        tryCompare(dialog, "opened", true)
        const topK = findChild(dialog, "topKSpin")
        topK.value = 7
        topK.valueModified()
        compare(app.settings.topK, 7)
        const context = findChild(dialog, "contextCombo")
        context.currentIndex = 1
        context.activated(1)
        compare(app.settings.contextSize, 1024)
        // The model list's memory figures follow the context at once.
        compare(app.models.contextSize, 1024)
    }
}
