// The whole window: the welcome view on a first run, the keyboard shortcuts, and every Tab stop named for
// screen readers.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "MainWindow"
    when: windowShown

    Component { id: appComponent; AppController {} }
    Component { id: windowComponent; Main { width: 1100; height: 760 } }

    property var app: null
    property var window: null
    property string dir

    function start(withModel) {
        FakeEngine.reset()
        dir = FakeEngine.newDataDir()
        if (withModel) FakeEngine.writeModel(dir, "gemma-2b-it", "2B")
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"  // the tests read English text, whatever this machine's language
        if (withModel) {
            verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
            tryCompare(app.engine, "state", EngineController.Ready)
        }
        window = windowComponent.createObject(null, { app: app })
        verify(window)
        window.requestActivate()
        tryVerify(() => window.active, 3000, "the window is active")
        waitForRendering(window.contentItem)
    }

    function cleanup() {
        FakeEngine.reset()
        Theme.dark = false
        if (window) window.destroy()
        window = null
        wait(0)
        if (app) app.destroy()
        app = null
        wait(0)
    }

    function child(name) { return findChild(window.contentItem, name) || findChild(window, name) }

    function test_first_run_shows_the_welcome_view() {
        start(false)
        verify(window.showWelcome)
        const folder = child("welcomeImportFolder")
        verify(folder && folder.visible)
        verify(child("welcomeImportFile").visible)
        verify(!findChild(window.contentItem, "composerInput").visible)
    }

    function test_welcome_view_goes_once_a_model_is_imported() {
        start(false)
        verify(app.importer.start(FakeEngine.makeCheckpointFolder("gemma-2b-it")))
        tryCompare(app.importer, "state", ImportController.Succeeded)
        tryCompare(window, "showWelcome", false)
        tryCompare(app.engine, "state", EngineController.Ready)
    }

    function test_ctrl_l_focuses_the_composer_and_ctrl_f_the_search() {
        start(true)
        const input = child("composerInput")
        const search = child("searchField")
        search.forceActiveFocus()
        verify(!input.activeFocus)
        keyClick(Qt.Key_L, Qt.ControlModifier)
        tryCompare(input, "activeFocus", true)
        keyClick(Qt.Key_F, Qt.ControlModifier)
        tryCompare(search, "activeFocus", true)
    }

    function test_ctrl_n_starts_a_new_chat() {
        start(true)
        verify(app.chat.send("Hello"))
        tryCompare(app.chat, "generating", false)
        verify(app.chat.conversationId > 0)
        keyClick(Qt.Key_N, Qt.ControlModifier)
        tryCompare(app.chat, "conversationId", 0)
        compare(app.chat.messages.count, 0)
        tryCompare(child("composerInput"), "activeFocus", true)
    }

    function test_escape_stops_the_reply() {
        start(true)
        FakeEngine.gated = true
        FakeEngine.tokens = ["a", "b", "c", "d"]
        verify(app.chat.send("Go"))
        FakeEngine.release(1)
        tryVerify(() => app.chat.lastReplyText() === "a")
        keyClick(Qt.Key_Escape)
        FakeEngine.release(3)
        tryCompare(app.chat, "generating", false)
        compare(app.chat.lastReplyText(), "a")
    }

    function test_ctrl_shift_c_copies_the_last_reply() {
        start(true)
        verify(app.chat.send("Hi"))
        tryCompare(app.chat, "generating", false)
        Helpers.setClipboardText("")
        keyClick(Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
        compare(Helpers.clipboardText(), "Hello, world!")
    }

    function test_every_tab_stop_has_an_accessible_name() {
        start(true)
        verify(app.chat.send("Hi"))
        tryCompare(app.chat, "generating", false)
        waitForRendering(window.contentItem)
        const chain = Helpers.tabChain(child("composerInput"))
        verify(chain.length >= 5, "Tab reaches the controls: " + JSON.stringify(chain))
        const names = chain.map((stop) => stop.objectName)
        for (const wanted of ["composerInput", "newChatButton", "searchField", "modelPickerButton", "settingsButton"])
            verify(names.indexOf(wanted) >= 0, wanted + " is reachable by Tab: " + names.join(", "))
        for (const stop of chain)
            verify(stop.accessibleName !== "", "a Tab stop without a name: " + JSON.stringify(stop))
    }

    function test_theme_setting_switches_the_colours() {
        start(true)
        app.settings.theme = "light"
        tryCompare(Theme, "dark", false)
        const light = String(window.color)  // a copy: a colour read from a property follows it
        app.settings.theme = "dark"
        tryCompare(Theme, "dark", true)
        verify(String(window.color) !== light, light)
    }

    function test_language_switches_at_once() {
        start(true)
        const button = child("newChatButton")
        compare(button.text, "New chat")
        app.settings.language = "ko"
        tryCompare(button, "text", "새 대화")
        app.settings.language = "en"
        tryCompare(button, "text", "New chat")
    }
}
