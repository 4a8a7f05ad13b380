// The import's progress, its Cancel, and how it ended (imported, cancelled, or why it failed). Opens by
// itself when an import starts, from any of the ways to start one (dialogs, drag-and-drop).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Popup {
    id: root
    required property AppController app
    readonly property var importer: app.importer

    objectName: "importPanel"
    width: 480
    padding: 18
    modal: true
    closePolicy: importer.busy ? Popup.NoAutoClose : (Popup.CloseOnEscape | Popup.CloseOnPressOutside)
    onClosed: if (!importer.busy) importer.reset()

    Connections {
        target: root.importer
        function onStateChanged() {
            if (root.importer.state !== ImportController.Idle && !root.opened) root.open()
        }
    }

    background: Rectangle {
        color: Theme.raised
        border.color: Theme.border
        radius: Theme.radius
    }

    function fileName(path) { return path.split("/").pop() }

    contentItem: ColumnLayout {
        spacing: 12

        Label {
            objectName: "importTitle"
            Layout.fillWidth: true
            font.pixelSize: 17
            font.bold: true
            color: Theme.text
            wrapMode: Text.WordWrap
            text: {
                switch (root.importer.state) {
                case ImportController.Importing: return qsTr("Importing %1").arg(root.fileName(root.importer.sourcePath))
                case ImportController.Cancelling: return qsTr("Cancelling…")
                case ImportController.Succeeded: return qsTr("Imported %1").arg(root.fileName(root.importer.sourcePath))
                case ImportController.Cancelled: return qsTr("The import was cancelled")
                case ImportController.Failed: return qsTr("The import failed")
                }
                return ""
            }
        }

        ProgressBar {
            objectName: "importProgress"
            Layout.fillWidth: true
            visible: root.importer.busy || root.importer.state === ImportController.Succeeded
            from: 0
            to: 1
            value: root.importer.progress
            Accessible.name: qsTr("Import progress")
        }

        Label {
            objectName: "importDetail"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: root.importer.state === ImportController.Failed ? Theme.danger : Theme.mutedText
            text: {
                switch (root.importer.state) {
                case ImportController.Importing:
                    return qsTr("%1% — converting the weights to GemmaChat's compact format. This takes a few minutes "
                                + "for 7B; you can keep chatting meanwhile.").arg(Math.floor(root.importer.progress * 100))
                case ImportController.Succeeded:
                    return qsTr("The model is ready in the model picker.")
                case ImportController.Cancelled:
                    return qsTr("Nothing was written.")
                case ImportController.Failed:
                    return root.importer.errorString
                }
                return ""
            }
        }

        RowLayout {
            Layout.alignment: Qt.AlignRight
            Button {
                objectName: "importCancelButton"
                visible: root.importer.busy
                enabled: root.importer.state === ImportController.Importing
                text: qsTr("Cancel")
                onClicked: root.importer.cancel()
                Accessible.name: qsTr("Cancel the import")
            }
            Button {
                objectName: "importCloseButton"
                visible: !root.importer.busy
                text: qsTr("Close")
                highlighted: true
                onClicked: root.close()
                Accessible.name: qsTr("Close")
            }
        }
    }
}
