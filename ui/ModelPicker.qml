// The model picker in the header: a button naming the loaded model, opening a list of the imported models
// (and the demo model that comes with the app, marked as such) with their variant, size on disk and the
// memory they need at the chosen context. Load, unload or switch
// (also in the middle of a conversation: the next reply comes from the new model); import more from here.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Item {
    id: root
    required property AppController app
    signal importFolder()
    signal importFile()
    readonly property alias popup: popup
    readonly property alias button: button

    implicitWidth: button.implicitWidth
    implicitHeight: button.implicitHeight

    readonly property var engine: app.engine

    // What a model is: its variant, or, for the demo that comes with the app, that.
    function variantText(variant, instructionTuned, bundled) {
        if (bundled) return qsTr("Demo that comes with GemmaChat")
        return instructionTuned ? qsTr("%1, instruction-tuned").arg(variant) : qsTr("%1, pretrained").arg(variant)
    }

    Button {
        id: button
        objectName: "modelPickerButton"
        flat: true
        text: {
            if (root.engine.state === EngineController.Loading)
                return qsTr("Loading %1…").arg(root.engine.loadingPath.split("/").pop().replace(/\.gemma$/, ""))
            if (root.engine.state === EngineController.Ready)
                return root.engine.modelName + "  ▾"
            return qsTr("Choose a model") + "  ▾"
        }
        font.bold: root.engine.state === EngineController.Ready
        onClicked: popup.opened ? popup.close() : popup.open()
        Accessible.name: root.engine.state === EngineController.Ready
                         ? qsTr("Model: %1. Choose another model").arg(root.engine.modelName)
                         : qsTr("Choose a model")
        Accessible.role: Accessible.ButtonDropDown
    }

    Popup {
        id: popup
        objectName: "modelPickerPopup"
        y: button.height + 4
        width: 560
        padding: 10
        focus: true
        onOpened: { root.app.models.refresh(); list.forceActiveFocus() }

        background: Rectangle {
            color: Theme.raised
            border.color: Theme.border
            radius: Theme.radius
        }

        contentItem: ColumnLayout {
            spacing: 8

            Label {
                text: qsTr("Models")
                font.bold: true
                font.pixelSize: 15
                color: Theme.text
            }

            Label {
                Layout.fillWidth: true
                visible: root.app.models.importedCount === 0
                wrapMode: Text.WordWrap
                color: Theme.mutedText
                text: qsTr("No model has been imported yet. Import a Hugging Face folder or a GGUF file of Gemma.")
            }

            ListView {
                id: list
                objectName: "modelList"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(contentHeight, 320)
                clip: true
                model: root.app.models
                spacing: 4
                keyNavigationEnabled: true
                Accessible.name: qsTr("Imported models")
                Accessible.role: Accessible.List

                delegate: ItemDelegate {
                    id: row
                    required property int index
                    required property string path
                    required property string name
                    required property string variant
                    required property bool instructionTuned
                    required property var fileSize
                    required property var memoryNeeded
                    required property bool fits
                    required property bool loaded
                    required property bool damaged
                    required property string problem
                    required property bool bundled

                    width: ListView.view.width
                    highlighted: ListView.isCurrentItem
                    background: Rectangle {
                        radius: 6
                        color: row.loaded ? Theme.selection : (row.hovered || row.visualFocus ? Theme.surface : "transparent")
                        border.color: row.visualFocus ? Theme.accent : "transparent"
                    }
                    enabled: !damaged
                    Accessible.name: damaged ? qsTr("%1: cannot be used").arg(name)
                                             : qsTr("%1, %2, %3 on disk, needs %4 of memory%5")
                                               .arg(name).arg(root.variantText(variant, instructionTuned, bundled))
                                               .arg(root.app.formatBytes(fileSize)).arg(root.app.formatBytes(memoryNeeded))
                                               .arg(loaded ? qsTr(", loaded") : (fits ? "" : qsTr(", does not fit in memory")))
                    onClicked: {
                        if (loaded) return
                        if (root.app.models.load(path)) popup.close()
                    }
                    Keys.onReturnPressed: clicked()

                    contentItem: RowLayout {
                        spacing: 10
                        ColumnLayout {
                            Layout.fillWidth: true
                            spacing: 2
                            Label {
                                Layout.fillWidth: true
                                text: row.name
                                font.bold: true
                                elide: Text.ElideRight
                                color: Theme.text
                            }
                            Label {
                                Layout.fillWidth: true
                                visible: !row.damaged
                                text: qsTr("%1 · %2 on disk · needs %3")
                                      .arg(root.variantText(row.variant, row.instructionTuned, row.bundled))
                                      .arg(root.app.formatBytes(row.fileSize))
                                      .arg(root.app.formatBytes(row.memoryNeeded))
                                color: Theme.mutedText
                                font.pixelSize: 12
                                wrapMode: Text.WordWrap
                            }
                            Label {
                                Layout.fillWidth: true
                                visible: row.damaged || (!row.fits && !row.loaded)
                                text: row.damaged ? row.problem : qsTr("Does not fit in the memory available now")
                                color: Theme.danger
                                font.pixelSize: 12
                                wrapMode: Text.WordWrap
                            }
                        }
                        Label {
                            objectName: "demoBadge"
                            visible: row.bundled
                            text: qsTr("Demo")
                            color: Theme.mutedText
                            font.bold: true
                        }
                        Label {
                            visible: row.loaded
                            text: qsTr("Loaded")
                            color: Theme.accent
                            font.bold: true
                        }
                        Button {
                            objectName: "unloadButton"
                            visible: row.loaded
                            text: qsTr("Unload")
                            onClicked: root.engine.unload()
                            Accessible.name: qsTr("Unload %1").arg(row.name)
                        }
                        Button {
                            objectName: "loadButton"
                            visible: !row.loaded && !row.damaged
                            text: root.engine.state === EngineController.Ready ? qsTr("Switch") : qsTr("Load")
                            onClicked: row.clicked()
                            Accessible.name: qsTr("Load %1").arg(row.name)
                        }
                    }
                }
            }

            Label {
                objectName: "modelError"
                Layout.fillWidth: true
                visible: text !== ""
                text: root.app.models.errorString
                wrapMode: Text.WordWrap
                color: Theme.danger
            }

            Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }

            RowLayout {
                Layout.fillWidth: true
                Button {
                    text: qsTr("Import a folder…")
                    onClicked: { popup.close(); root.importFolder() }
                    Accessible.name: qsTr("Import a Hugging Face model folder")
                }
                Button {
                    text: qsTr("Import a GGUF file…")
                    onClicked: { popup.close(); root.importFile() }
                    Accessible.name: qsTr("Import a GGUF file")
                }
                Item { Layout.fillWidth: true }
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("Models are kept in %1").arg(root.app.models.modelsDir)
                color: Theme.mutedText
                font.pixelSize: 11
                wrapMode: Text.WrapAnywhere
            }
        }
    }
}
