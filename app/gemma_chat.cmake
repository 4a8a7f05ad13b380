# gemma-chat: the desktop app (included by app/CMakeLists.txt when the ui/ module exists).
if(NOT TARGET gemma_ui_app)
  return()
endif()
qt_add_executable(gemma-chat gemma_chat.cpp)
# The plugin registers the QML module's types; the library itself is linked too, since the plugin target
# does not pass its include directories on (Qt 6.4).
target_link_libraries(gemma-chat PRIVATE gemma_uiplugin gemma_ui_app gemma_ui Qt6::Gui Qt6::Quick Qt6::QuickControls2)
target_compile_definitions(gemma-chat PRIVATE GEMMA_VERSION="${PROJECT_VERSION}")
set_target_properties(gemma-chat PROPERTIES WIN32_EXECUTABLE ON MACOSX_BUNDLE ON)
install(TARGETS gemma-chat RUNTIME DESTINATION bin BUNDLE DESTINATION .)
