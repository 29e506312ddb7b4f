"""The shipped keymaps, YAML files of binding id -> keys; package data found through importlib.resources."""
