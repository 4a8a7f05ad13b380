#!/bin/sh
# Makes the README's screenshots with the app itself (gemma-chat --screenshot, offscreen):
# the chat, the model picker and the settings, light and dark, English and Korean, and the first-run view.
#   resources/screenshots/make_screenshots.sh BUILD_DIR [2B_MODEL_FILE]
# The conversations are sample text written by tests/app/gemma_chat/make_demo_data.cpp; the models are
# test models with random weights (a 2B-shaped one if given, from gemma-convert --synthetic 2b).
set -eu
build=$(cd "$1" && pwd)
model_2b=${2:-}
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen GEMMA_TEST_DATA="$out/../../tests/data"
size=1280x800

for lang in en ko; do
  data="$work/$lang"
  if [ -n "$model_2b" ]; then
    "$build/tests/app/gemma_chat/make_demo_data" "$data" --language "$lang" --model-2b "$model_2b" >/dev/null
    model="$data/models/synthetic-2b-it.gemma"
  else
    "$build/tests/app/gemma_chat/make_demo_data" "$data" --language "$lang" >/dev/null
    model="$data/models/small-demo-it.gemma"
  fi
  for theme in light dark; do
    "$build/app/gemma-chat" --data-dir "$data" --model "$model" --theme "$theme" --language "$lang" \
      --open-latest --size "$size" --screenshot "$out/chat-$lang-$theme.png"
  done
  "$build/app/gemma-chat" --data-dir "$data" --model "$model" --theme light --language "$lang" \
    --open-latest --show models --size "$size" --screenshot "$out/models-$lang-light.png"
  "$build/app/gemma-chat" --data-dir "$data" --model "$model" --theme dark --language "$lang" \
    --open-latest --show settings --size "$size" --screenshot "$out/settings-$lang-dark.png"
  "$build/app/gemma-chat" --data-dir "$work/empty-$lang" --theme light --language "$lang" \
    --size "$size" --screenshot "$out/welcome-$lang-light.png"
done
