// The chat: messages above, the composer below, and any problem in plain words between them. Until Gemma
// is imported a new chat shows the welcome view instead of the messages: above the composer when the demo
// model is there to talk to, alone when there is no model at all.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Item {
    id: root
    required property AppController app
    readonly property alias view: chatView
    readonly property alias composer: composer
    readonly property bool nothingToTalkTo: root.app.models.importedCount === 0
                                            && root.app.engine.state === EngineController.NoModel
    readonly property bool showWelcome: root.app.models.importedCount === 0
                                        && (chatView.list.count === 0 || root.nothingToTalkTo)
    signal importFolder()
    signal importFile()

    function focusComposer() { composer.focusInput() }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ChatView {
            id: chatView
            app: root.app
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: !root.showWelcome
        }

        WelcomeView {
            objectName: "welcomeView"
            app: root.app
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: root.showWelcome
            onImportFolder: root.importFolder()
            onImportFile: root.importFile()
        }

        // Problems and notices: each says what happened and what to do; each can be dismissed. One Banner
        // each, not a Repeater over a list: on Qt 6.4 a Repeater that is a direct child of a Layout and
        // whose model changes can leave the layout holding a freed delegate (a crash in
        // QQuickLayout::effectiveSizePolicy_helper), and this list changes with every message it shows.
        Banner {
            objectName: "errorBanner"
            text: root.app.chat.errorString
            onDismissed: root.app.chat.clearError()
        }
        Banner {
            objectName: "errorBanner"
            text: root.app.engine.errorString
            onDismissed: root.app.engine.clearError()
        }
        Banner {
            objectName: "errorBanner"
            text: root.app.models.errorString
            onDismissed: root.app.models.clearError()
        }
        // A failed save stays up (no dismiss) until a save goes through again.
        Banner {
            objectName: "saveProblemBanner"
            text: root.app.saveProblem
            dismissible: false
        }
        Banner {
            objectName: "recoveryBanner"
            text: root.app.recoveryNotice
            onDismissed: root.app.dismissRecoveryNotice()
        }
        // What the store said in its own words, unless one of the two above already says it.
        Banner {
            objectName: "errorBanner"
            text: root.app.saveProblem === "" && root.app.recoveryNotice === "" ? root.app.storeError : ""
            dismissible: false
        }
        Banner {
            objectName: "exportBanner"
            text: root.app.exporter.message
            error: root.app.exporter.failed
            onDismissed: root.app.exporter.clearResult()
        }
        Banner {
            objectName: "noticeBanner"
            text: root.app.chat.notice
            error: false
            dismissible: false
        }

        Composer {
            id: composer
            app: root.app
            visible: !root.nothingToTalkTo
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.contentWidth + 32
            Layout.alignment: Qt.AlignHCenter
        }
    }
}
