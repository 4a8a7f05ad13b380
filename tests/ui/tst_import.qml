// The import panel: progress as the import goes, Cancel (nothing left behind), clear errors for a damaged
// checkpoint or a file that is not one, and the imported model in the picker without a restart.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "Import"
    when: windowShown
    visible: true
    width: 900
    height: 700

    Component { id: appComponent; AppController {} }
    Component { id: panelComponent; ImportPanel { x: 100; y: 100 } }

    property var app: null
    property var panel: null
    property string dir

    function init() {
        FakeEngine.reset()
        dir = FakeEngine.newDataDir()
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"  // the tests read English text, whatever this machine's language
        panel = panelComponent.createObject(testCase, { app: app })
    }

    function cleanup() {
        FakeEngine.reset()
        panel.destroy()
        panel = null
        wait(0)
        app.destroy()
        app = null
        wait(0)
    }

    function child(name) { return findChild(panel.contentItem, name) }

    function test_progress_then_the_model_appears_without_restart() {
        FakeEngine.importGated = true
        FakeEngine.importSteps = 4
        const folder = FakeEngine.makeCheckpointFolder("gemma-2b-it")
        compare(app.models.count, 0)
        verify(app.importer.start(folder))
        tryCompare(panel, "opened", true)
        compare(app.importer.state, ImportController.Importing)
        verify(child("importTitle").text.indexOf("gemma-2b-it") > 0)
        compare(child("importProgress").value, 0)
        FakeEngine.releaseImport(1)
        tryCompare(child("importProgress"), "value", 0.25)
        FakeEngine.releaseImport(1)
        tryCompare(child("importProgress"), "value", 0.5)
        verify(child("importDetail").text.indexOf("50%") === 0, child("importDetail").text)
        verify(child("importCancelButton").visible)
        FakeEngine.releaseImport(2)
        tryCompare(app.importer, "state", ImportController.Succeeded)
        compare(app.importer.destinationPath, dir + "/models/gemma-2b-it.gemma")
        verify(child("importCloseButton").visible)
        // In the picker at once, and, being the first model, loaded.
        tryCompare(app.models, "count", 1)
        tryCompare(app.engine, "state", EngineController.Ready)
        compare(app.engine.modelName, "gemma-2b-it")
        mouseClick(child("importCloseButton"))
        tryCompare(panel, "opened", false)
        compare(app.importer.state, ImportController.Idle)
    }

    function test_cancel_leaves_nothing_behind() {
        FakeEngine.importGated = true
        FakeEngine.importSteps = 10
        const folder = FakeEngine.makeCheckpointFolder("gemma-7b-it")
        verify(app.importer.start(folder))
        FakeEngine.releaseImport(3)
        tryCompare(child("importProgress"), "value", 0.3)
        mouseClick(child("importCancelButton"))
        tryCompare(app.importer, "state", ImportController.Cancelled)
        compare(child("importTitle").text, "The import was cancelled")
        verify(!FakeEngine.fileExists(dir + "/models/gemma-7b-it.gemma"))
        compare(app.models.count, 0)
    }

    function test_a_damaged_checkpoint_says_what_is_wrong() {
        const folder = FakeEngine.makeCheckpointFolder("gemma-damaged")
        verify(app.importer.start(folder))
        tryCompare(app.importer, "state", ImportController.Failed)
        compare(child("importTitle").text, "The import failed")
        const detail = child("importDetail").text
        verify(detail.indexOf("truncated") >= 0, detail)
        verify(detail.indexOf("download it again") >= 0, detail)
        compare(app.models.count, 0)
    }

    function test_a_file_that_is_no_checkpoint_is_refused() {
        const text = FakeEngine.writeDamagedModel(FakeEngine.newDataDir(), "notes")  // any non-GGUF file
        verify(!app.importer.start(text))
        compare(app.importer.state, ImportController.Failed)
        tryCompare(panel, "opened", true)
        verify(child("importDetail").text.indexOf("neither a GGUF file nor a Hugging Face folder") >= 0)
    }

    function test_a_missing_path_is_refused() {
        verify(!app.importer.start("/nonexistent/gemma-2b-it"))
        compare(app.importer.state, ImportController.Failed)
        verify(app.importer.errorString.indexOf("does not exist") >= 0)
    }

    function test_a_file_url_from_a_dialog_or_a_drop_works() {
        const folder = FakeEngine.makeCheckpointFolder("gemma-2b")
        verify(app.importer.start("file://" + folder))
        tryCompare(app.importer, "state", ImportController.Succeeded)
        compare(app.importer.destinationPath, dir + "/models/gemma-2b.gemma")
        // A second import of the same name does not overwrite the first.
        app.importer.reset()
        verify(app.importer.start(folder + "/config.json"))
        tryCompare(app.importer, "state", ImportController.Succeeded)
        compare(app.importer.destinationPath, dir + "/models/gemma-2b-2.gemma")
        tryCompare(app.models, "count", 2)
    }
}
