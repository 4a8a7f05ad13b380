// The app's colours and sizes in one place, light and dark. Main.qml sets `dark` from the settings
// (light, dark, or the system's palette).
pragma Singleton
import QtQuick

QtObject {
    property bool dark: false

    readonly property color window: dark ? "#1b1c1f" : "#ffffff"
    readonly property color sidebar: dark ? "#232428" : "#f4f4f6"
    readonly property color surface: dark ? "#2a2b30" : "#f0f1f4"
    readonly property color raised: dark ? "#31333a" : "#ffffff"
    readonly property color border: dark ? "#3b3d44" : "#dcdde3"
    readonly property color text: dark ? "#e8e8ea" : "#1d1e22"
    readonly property color mutedText: dark ? "#a2a4ab" : "#63666f"
    readonly property color accent: dark ? "#7aa7ff" : "#2f63d8"
    readonly property color accentText: "#ffffff"
    readonly property color selection: dark ? "#34496f" : "#dbe5fb"
    readonly property color userBubble: dark ? "#2f3e5c" : "#e8effd"
    readonly property color codeBackground: dark ? "#141518" : "#f6f7f9"
    readonly property color codeHeader: dark ? "#25262b" : "#eceef2"
    readonly property color codeText: dark ? "#dcdfe4" : "#24292f"
    readonly property color danger: dark ? "#ff8a80" : "#b3261e"
    readonly property color dangerBackground: dark ? "#4a2524" : "#fdecea"
    readonly property color noticeBackground: dark ? "#3a3522" : "#fff7e0"

    readonly property string monospaceFamily: "DejaVu Sans Mono"
    readonly property int radius: 8
    readonly property int spacing: 8
    readonly property int contentWidth: 820   // the chat column never grows wider than this: easy reading
}
