"""Writes a trained model as a Hugging Face Gemma folder, the form gemma-convert imports (so the demo model goes
through the same importer as real Gemma): config.json, tokenizer.model, tokenizer_config.json and a
model.safetensors written by hand (no safetensors package): a little-endian u64 header length, the JSON
header, then each tensor's raw little-endian f32 data, row-major. Every file is byte-for-byte a function of
its inputs (sorted keys, no time stamps), so the same weights give the same folder.
"""

import json
import os
import shutil
import struct

import numpy as np

# The published Gemma chat template (tokenizer_config.json), which also tells the importer the model is
# instruction-tuned.
CHAT_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
    "{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}")


def write_safetensors(path, tensors):
    """tensors: {name: numpy array}; written as F32 in name order."""
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    arrays = []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        arrays.append(a)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as the safetensors writer pads it
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for a in arrays:
            f.write(a.tobytes())


def hf_config(cfg, bos_id, eos_id, pad_id):
    """config.json with the keys of GEMMA.md."""
    return {
        "architectures": ["GemmaForCausalLM"],
        "model_type": "gemma",
        "hidden_size": cfg.hidden,
        "intermediate_size": cfg.ffn,
        "num_hidden_layers": cfg.layers,
        "num_attention_heads": cfg.heads,
        "num_key_value_heads": cfg.kv_heads,
        "head_dim": cfg.head_dim,
        "vocab_size": cfg.vocab_size,
        "rms_norm_eps": cfg.rms_eps,
        "rope_theta": cfg.rope_theta,
        "max_position_embeddings": cfg.context,
        "bos_token_id": bos_id,
        "eos_token_id": eos_id,
        "pad_token_id": pad_id,
        "hidden_act": "gelu_pytorch_tanh",
        "hidden_activation": "gelu_pytorch_tanh",
        "attention_bias": False,
        "torch_dtype": "float32",
    }


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def write_hf_folder(folder, cfg, state_dict, tokenizer_model, end_of_turn_id, bos_id=2, eos_id=1, pad_id=0):
    """state_dict: Hugging Face names to torch tensors (norm weights as the offset w, applied as 1 + w)."""
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, "config.json"), hf_config(cfg, bos_id, eos_id, pad_id))
    write_json(os.path.join(folder, "generation_config.json"),
               {"bos_token_id": bos_id, "eos_token_id": [eos_id, end_of_turn_id], "pad_token_id": pad_id})
    write_json(os.path.join(folder, "tokenizer_config.json"),
               {"add_bos_token": True, "add_eos_token": False, "bos_token": "<bos>", "eos_token": "<eos>",
                "pad_token": "<pad>", "unk_token": "<unk>", "chat_template": CHAT_TEMPLATE,
                "tokenizer_class": "GemmaTokenizer"})
    shutil.copyfile(tokenizer_model, os.path.join(folder, "tokenizer.model"))
    tensors = {name: t.detach().to("cpu").float().numpy() for name, t in state_dict.items()}
    write_safetensors(os.path.join(folder, "model.safetensors"), tensors)
