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

# The models that come with the app (the demo model, resources/models/*.gemma), where a gemma-chat run
# from the build tree looks for them: <build>/app/../share/gemma-chat/models, as an installed
# /usr/bin/gemma-chat finds /usr/share/gemma-chat/models (packaging/ installs them there).
file(GLOB GEMMA_BUNDLED_MODEL_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/resources/models/*.gemma)
set(GEMMA_BUNDLED_MODELS_DIR ${CMAKE_BINARY_DIR}/share/gemma-chat/models)
set(GEMMA_BUNDLED_MODELS_DIR ${GEMMA_BUNDLED_MODELS_DIR} PARENT_SCOPE)
set(bundled_copies)
foreach(model ${GEMMA_BUNDLED_MODEL_SOURCES})
  get_filename_component(file ${model} NAME)
  add_custom_command(OUTPUT ${GEMMA_BUNDLED_MODELS_DIR}/${file}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${GEMMA_BUNDLED_MODELS_DIR}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${model} ${GEMMA_BUNDLED_MODELS_DIR}/${file}
    DEPENDS ${model}
    COMMENT "Copying the bundled model ${file} into the build tree")
  list(APPEND bundled_copies ${GEMMA_BUNDLED_MODELS_DIR}/${file})
endforeach()
add_custom_target(gemma-chat-bundled-models ALL DEPENDS ${bundled_copies})
add_dependencies(gemma-chat gemma-chat-bundled-models)
