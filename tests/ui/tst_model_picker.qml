// The model picker's states: what it lists (name, variant, size, memory), a damaged file, a model too big
// for the memory refused before loading, loading, loaded, switching in the middle of a conversation, unload.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "ModelPicker"
    when: windowShown
    visible: true
    width: 900
    height: 700

    Component { id: appComponent; AppController {} }
    Component { id: pickerComponent; ModelPicker { x: 10; y: 10 } }

    property var app: null
    property var picker: null
    property string dir

    function init() {
        FakeEngine.reset()
        dir = FakeEngine.newDataDir()
        FakeEngine.writeModel(dir, "gemma-2b-it", "2B", 2.5, true)
        FakeEngine.writeModel(dir, "gemma-7b-it", "7B", 1000000, true)  // 1 PB: fits nowhere
        FakeEngine.writeDamagedModel(dir, "broken")
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"  // the tests read English text, whatever this machine's language
        picker = pickerComponent.createObject(testCase, { app: app })
    }

    function cleanup() {
        FakeEngine.reset()
        picker.destroy()
        picker = null
        wait(0)
        app.destroy()
        app = null
        wait(0)
    }

    function openPicker() {
        mouseClick(picker.button)
        tryCompare(picker.popup, "opened", true)
        return findChild(picker.popup.contentItem, "modelList")
    }
    function row(list, name) {
        for (let i = 0; i < list.count; ++i) {
            const item = list.itemAtIndex(i)
            if (item && item.name === name) return item
        }
        return null
    }

    function test_lists_models_with_variant_size_and_memory() {
        const list = openPicker()
        tryCompare(list, "count", 3)
        const small = row(list, "gemma-2b-it")
        verify(small)
        compare(small.variant, "2B")
        verify(small.instructionTuned)
        verify(small.fileSize > 0)
        // weights plus the KV cache at the chosen context (1 KB a token in the fake)
        compare(small.memoryNeeded, 2.5 * 1024 * 1024 * 1024 + 1024 * app.settings.contextSize)
        verify(small.fits)
        verify(!small.loaded)
        const big = row(list, "gemma-7b-it")
        verify(!big.fits)
        const broken = row(list, "broken")
        verify(broken.damaged)
        verify(broken.problem.indexOf("not a GemmaChat model file") >= 0, broken.problem)
        verify(!broken.enabled)
        compare(picker.button.text.indexOf("Choose a model"), 0)
    }

    function test_memory_needed_follows_the_context_size() {
        const list = openPicker()
        tryCompare(list, "count", 3)
        const before = row(list, "gemma-2b-it").memoryNeeded
        app.settings.contextSize = 1024
        tryCompare(row(list, "gemma-2b-it"), "memoryNeeded", 2.5 * 1024 * 1024 * 1024 + 1024 * 1024)
        verify(row(list, "gemma-2b-it").memoryNeeded < before)
    }

    function test_a_model_too_big_is_refused_before_loading() {
        const list = openPicker()
        tryCompare(list, "count", 3)
        mouseClick(findChild(row(list, "gemma-7b-it"), "loadButton"))
        const error = app.models.errorString
        verify(error.indexOf("gemma-7b-it needs") === 0, error)
        verify(error.indexOf("available") > 0, error)
        compare(app.engine.state, EngineController.NoModel)
        compare(FakeEngine.loadCount, 0)
        verify(findChild(picker.popup.contentItem, "modelError").visible)
    }

    function test_loading_then_loaded() {
        FakeEngine.loadDelayMs = 400
        const list = openPicker()
        tryCompare(list, "count", 3)
        mouseClick(findChild(row(list, "gemma-2b-it"), "loadButton"))
        tryCompare(app.engine, "state", EngineController.Loading)
        verify(picker.button.text.indexOf("Loading gemma-2b-it") === 0, picker.button.text)
        tryCompare(app.engine, "state", EngineController.Ready, 5000)
        compare(app.engine.modelName, "gemma-2b-it")
        verify(picker.button.text.indexOf("gemma-2b-it") === 0)
        compare(app.settings.lastModel, dir + "/models/gemma-2b-it.gemma")
        openPicker()
        tryVerify(() => row(list, "gemma-2b-it").loaded)
        verify(findChild(row(list, "gemma-2b-it"), "unloadButton").visible)
    }

    function test_cancel_loading() {
        FakeEngine.loadDelayMs = 3000
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Loading)
        app.engine.cancelLoad()
        tryCompare(app.engine, "state", EngineController.NoModel, 2000)
        compare(app.engine.errorString, "")
    }

    function test_switch_model_in_the_middle_of_a_conversation() {
        FakeEngine.writeModel(dir, "gemma-2b", "2B", 2.5, false)
        app.models.refresh()
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
        verify(app.chat.send("Hello"))
        tryCompare(app.chat, "generating", false)
        const list = openPicker()
        tryCompare(list, "count", 4)
        mouseClick(findChild(row(list, "gemma-2b"), "loadButton"))
        tryCompare(app.engine, "modelName", "gemma-2b")
        tryCompare(app.engine, "state", EngineController.Ready)
        verify(!app.engine.instructionTuned)
        FakeEngine.tokens = ["From", " the", " new", " model"]
        verify(app.chat.send("And now?"))
        tryCompare(app.chat, "generating", false)
        // The new model got the whole conversation so far, and the reply says who wrote it.
        const sent = FakeEngine.lastConversation
        compare(sent.length, 3)
        compare(sent[0].text, "Hello")
        compare(sent[1].text, "Hello, world!")
        compare(sent[2].text, "And now?")
        const messages = app.chat.messages
        compare(messages.count, 4)
    }

    function test_unload() {
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
        const list = openPicker()
        tryVerify(() => row(list, "gemma-2b-it") && row(list, "gemma-2b-it").loaded)
        mouseClick(findChild(row(list, "gemma-2b-it"), "unloadButton"))
        tryCompare(app.engine, "state", EngineController.NoModel)
        tryVerify(() => !row(list, "gemma-2b-it").loaded)
        compare(picker.button.text.indexOf("Choose a model"), 0)
    }

    function test_a_failing_load_says_why() {
        // The header reads fine, then the file turns out to be damaged when loaded.
        verify(app.models.load(dir + "/models/gemma-2b-it.gemma"))
        tryCompare(app.engine, "state", EngineController.Ready)
        FakeEngine.writeDamagedModel(dir, "gemma-2b-it")
        app.engine.load(dir + "/models/gemma-2b-it.gemma")
        tryCompare(app.engine, "state", EngineController.NoModel)
        verify(app.engine.errorString.indexOf("not a GemmaChat model file") >= 0, app.engine.errorString)
    }

    // The demo model that comes with the app: a folder of its own, only read.
    function makeApp(dataDir, bundledDir) {
        const made = appComponent.createObject(null, { dataDir: dataDir, settingsFile: dataDir + "/settings.ini",
                                                       bundledModelDirs: [bundledDir] })
        verify(made.start())
        made.settings.language = "en"
        return made
    }

    function test_the_demo_model_is_chosen_when_nothing_is_imported() {
        const share = FakeEngine.newDataDir()
        const demo = FakeEngine.writeModel(share, "gemmachat-demo", "2B", 0.01, true)
        const first = makeApp(FakeEngine.newDataDir(), share + "/models")
        const demoPicker = pickerComponent.createObject(testCase, { app: first })
        compare(first.models.count, 1)
        compare(first.models.importedCount, 0)
        verify(first.models.isBundled(demo))
        compare(first.models.demoModel(), demo)
        first.loadInitialModel()
        tryCompare(first.engine, "state", EngineController.Ready, 5000)
        compare(first.engine.modelPath, demo)
        mouseClick(demoPicker.button)
        tryCompare(demoPicker.popup, "opened", true)
        const list = findChild(demoPicker.popup.contentItem, "modelList")
        tryCompare(list, "count", 1)
        const item = row(list, "gemmachat-demo")
        verify(item.bundled)
        verify(findChild(item, "demoBadge").visible)
        demoPicker.destroy()
        first.destroy()
        wait(0)
    }

    function test_a_damaged_import_does_not_keep_the_demo_away() {
        const share = FakeEngine.newDataDir()
        const demo = FakeEngine.writeModel(share, "gemmachat-demo", "2B", 0.01, true)
        const data = FakeEngine.newDataDir()
        FakeEngine.writeDamagedModel(data, "broken")
        const first = makeApp(data, share + "/models")
        compare(first.models.importedCount, 1)
        first.loadInitialModel()
        tryCompare(first.engine, "state", EngineController.Ready, 5000)
        compare(first.engine.modelPath, demo)
        first.destroy()
        wait(0)
    }

    function test_an_imported_model_comes_before_the_demo() {
        const share = FakeEngine.newDataDir()
        const demo = FakeEngine.writeModel(share, "gemmachat-demo", "2B", 0.01, true)
        const other = makeApp(dir, share + "/models")  // gemma-2b-it, gemma-7b-it and a damaged file imported
        compare(other.models.count, 4)
        compare(other.models.importedCount, 3)
        verify(other.models.isBundled(demo))
        verify(!other.models.isBundled(dir + "/models/gemma-2b-it.gemma"))
        other.loadInitialModel()  // nothing chosen before, but models imported: the user picks
        wait(200)
        compare(other.engine.state, EngineController.NoModel)
        compare(FakeEngine.loadCount, 0)
        // A model imported while the demo is loaded replaces it.
        verify(other.models.load(demo))
        tryCompare(other.engine, "state", EngineController.Ready, 5000)
        other.importer.start(FakeEngine.makeCheckpointFolder("gemma-2b-new"))
        tryCompare(other.engine, "modelName", "gemma-2b-new", 10000)
        verify(!other.models.isBundled(other.engine.modelPath))
        other.destroy()
        wait(0)
    }
}
