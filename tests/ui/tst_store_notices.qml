// The conversation store's troubles, as the chat shows them: a database found damaged at start (what
// happened, where the damaged file was kept, how many conversations were recovered), and a save that fails
// for a full disk (a banner that stays until a save goes through, while the chat goes on).
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "StoreNotices"
    when: windowShown
    visible: true
    width: 900
    height: 700

    Component { id: appComponent; AppController {} }
    Component { id: pageComponent; ChatPage { width: testCase.width; height: testCase.height } }

    property var app: null
    property var page: null
    property string dir: ""

    function startApp() {
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
        page = pageComponent.createObject(testCase, { app: app })
    }
    function stopApp() {
        if (page) page.destroy()
        page = null
        wait(0)
        if (app) app.destroy()
        app = null
        wait(0)
    }

    function init() {
        FakeEngine.reset()
        dir = FakeEngine.newDataDir()
        FakeEngine.writeModel(dir, "gemma-2b-it", "2B")
    }
    function cleanup() {
        FakeEngine.reset()
        stopApp()
    }

    function converse(text) {
        verify(app.chat.send(text))
        tryCompare(app.chat, "generating", false)
    }
    function banner(name) { return findChild(page, name) }

    function test_a_healthy_database_shows_no_notice() {
        startApp()
        converse("Apples are red")
        compare(app.recoveryNotice, "")
        compare(app.saveProblem, "")
        compare(banner("recoveryBanner").visible, false)
        compare(banner("saveProblemBanner").visible, false)
    }

    function test_a_damaged_database_is_recovered_and_said() {
        startApp()
        FakeEngine.tokens = ["A long reply. ".repeat(300)]
        for (const fruit of ["Apples", "Bananas", "Cherries"]) {
            app.chat.newConversation()
            converse(fruit + " are nice. " + "Tell me more. ".repeat(300))
        }
        stopApp()  // closes the database
        verify(Helpers.damageDatabase(dir + "/conversations.sqlite"))

        startApp()
        // Found at open or by the check that follows it: either way the notice comes, without a crash.
        tryVerify(() => app.recoveryNotice !== "", 60000)
        const notice = app.recoveryNotice
        verify(notice.indexOf("damaged") >= 0, notice)
        verify(notice.indexOf("3 conversations could be recovered") >= 0, notice)
        const kept = dir + "/conversations.sqlite.damaged-"
        const at = notice.indexOf(kept)
        verify(at >= 0, notice)
        const backup = notice.substring(at).split(/;/)[0]
        verify(Helpers.fileExists(backup), backup)
        tryCompare(app.chat.conversations, "count", 3)
        // Shown in the chat, as an alert with a name, and it can be dismissed.
        // (The banners are made anew whenever one changes: look each up again.)
        tryVerify(() => banner("recoveryBanner").visible)
        compare(banner("recoveryBanner").Accessible.name, notice)
        compare(banner("recoveryBanner").Accessible.role, Accessible.AlertMessage)
        mouseClick(findChild(banner("recoveryBanner"), "dismissBanner"))
        tryVerify(() => !banner("recoveryBanner").visible)
        compare(app.recoveryNotice, "")
        compare(app.storeError, "")  // the store's English copy of it went too
        // The app goes on working on the recovered database.
        app.chat.newConversation()
        FakeEngine.tokens = ["Fine", "."]
        converse("Still there?")
        compare(app.chat.lastReplyText(), "Fine.")
    }

    function test_a_full_disk_shows_a_banner_until_a_save_succeeds() {
        startApp()
        converse("Apples are red")
        const id = app.chat.conversationId
        verify(Helpers.limitDatabaseGrowth(app, true))
        // Keep writing until the database needs a page it may not have.
        let failed = false
        for (let i = 0; i < 100 && !failed; ++i) {
            if (!app.chat.send("Tell me more. ".repeat(400))) failed = true
            else tryCompare(app.chat, "generating", false)
        }
        verify(failed, "a save failed")
        const problem = app.saveProblem
        verify(problem.indexOf("could not be saved") >= 0, problem)
        verify(problem.indexOf("disk is full") >= 0, problem)
        verify(problem.indexOf("earlier conversations are safe") >= 0, problem)
        verify(problem.indexOf("Free some disk space") >= 0, problem)
        tryVerify(() => banner("saveProblemBanner").visible)
        compare(banner("saveProblemBanner").Accessible.name, problem)
        // Persistent: it has no dismiss button, and it stays while nothing is saved.
        compare(findChild(banner("saveProblemBanner"), "dismissBanner").visible, false)
        app.chat.clearError()
        compare(app.saveProblem, problem)
        // Space again: the next save goes through and the banner goes.
        verify(Helpers.limitDatabaseGrowth(app, false))
        compare(app.chat.conversationId, id)
        converse("Now it fits")
        tryVerify(() => !banner("saveProblemBanner").visible)
        compare(app.saveProblem, "")
        compare(app.storeError, "")
    }

    function test_a_reply_streams_on_while_its_text_cannot_be_saved() {
        startApp()
        FakeEngine.tokens = ["x".repeat(40000), " and more", "."]
        FakeEngine.gated = true
        verify(app.chat.send("Apples are red"))
        tryCompare(FakeEngine, "replyCount", 1)
        verify(Helpers.limitDatabaseGrowth(app, true))
        // A piece far bigger than the room left: writing it fails, the banner says so, the reply goes on.
        FakeEngine.release(1)
        tryVerify(() => app.saveProblem !== "", 5000)
        verify(app.chat.generating)
        tryVerify(() => banner("saveProblemBanner").visible)
        FakeEngine.release(1)
        tryVerify(() => app.chat.lastReplyText().endsWith(" and more"))
        verify(app.chat.generating)
        // Room again: the end of the reply is written whole, and the banner goes.
        verify(Helpers.limitDatabaseGrowth(app, false))
        FakeEngine.release(1)
        tryCompare(app.chat, "generating", false)
        tryCompare(app, "saveProblem", "")
        compare(app.chat.lastReplyText().length, 40000 + " and more.".length)
    }
}
