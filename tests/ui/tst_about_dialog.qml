// The About dialog, reached from the settings: it shows the app's own version and names the licenses of
// Qt, Eigen, OpenBLAS and SentencePiece, and links the Gemma Terms of Use.
import QtQuick
import QtTest
import GemmaChat
import GemmaChatTest

TestCase {
    id: testCase
    name: "AboutDialog"
    when: windowShown

    Component { id: appComponent; AppController {} }
    Component { id: windowComponent; Main { width: 1100; height: 760 } }

    property var app: null
    property var window: null
    property string savedVersion

    function initTestCase() { savedVersion = Qt.application.version }

    function cleanup() {
        FakeEngine.reset()
        if (window) window.destroy()
        window = null
        wait(0)
        if (app) app.destroy()
        app = null
        wait(0)
        Qt.application.version = savedVersion
    }

    function child(name) { return findChild(window.contentItem, name) || findChild(window, name) }

    function openAbout(version) {
        // A version no build has, so the dialog cannot pass by showing a fixed string.
        Qt.application.version = version
        FakeEngine.reset()
        const dir = FakeEngine.newDataDir()
        app = appComponent.createObject(null, { dataDir: dir, settingsFile: dir + "/settings.ini" })
        verify(app.start())
        app.settings.language = "en"
        window = windowComponent.createObject(null, { app: app })
        verify(window)
        waitForRendering(window.contentItem)
        const settings = child("settingsDialog")
        settings.open()
        tryCompare(settings, "opened", true)
        const button = findChild(settings, "aboutButton")
        verify(button, "the settings have an About button")
        compare(button.text, "About GemmaChat " + version + " and its licenses")
        button.clicked()
        const about = findChild(settings, "aboutDialog")
        verify(about)
        tryCompare(about, "opened", true)
        return about
    }

    function test_shows_the_app_version() {
        const about = openAbout("7.3.11")
        compare(findChild(about, "aboutVersion").text, "GemmaChat 7.3.11")
    }

    function test_names_the_libraries_licenses() {
        const about = openAbout("1.2.3")
        const wanted = {
            "Qt 6": "LGPL 3.0", "Eigen": "Mozilla Public License 2.0", "OpenBLAS": "BSD 3-Clause",
            "SentencePiece": "Apache License 2.0"
        }
        const texts = []
        for (let i = 0; i < about.libraries.length; ++i) texts.push(about.libraries[i].name + ": " + about.libraries[i].license)
        for (const name in wanted) {
            const entry = about.libraries.find((l) => l.name === name)
            verify(entry, name + " is listed: " + texts.join("; "))
            verify(entry.license.indexOf(wanted[name]) >= 0, name + " is under " + wanted[name] + ", not " + entry.license)
            verify(entry.url.startsWith("https://"), name + "'s license has a link")
        }
    }

    function test_links_the_gemma_terms_of_use() {
        const about = openAbout("1.2.3")
        const terms = findChild(about, "aboutGemmaTerms")
        verify(terms.text.indexOf("<a href=\"https://ai.google.dev/gemma/terms\">Gemma Terms of Use</a>") >= 0, terms.text)
    }
}
