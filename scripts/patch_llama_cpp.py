"""Make llama-cpp-python's vendored llama.cpp build its Vulkan backend on older headers.

    python scripts/patch_llama_cpp.py SOURCE_DIR

ggml-vulkan.cpp (llama-cpp-python 0.3.36) sets the validation layer's settings through
VK_EXT_layer_settings unconditionally; Debian 12's Vulkan headers (1.3.239) predate that
extension, and the build fails:

    ggml-vulkan.cpp:5214:21: error: 'LayerSettingEXT' is not a member of 'vk'

Those settings only matter with the validation layer (a debugging aid). This guards them
with the extension's own macro, as the file already does for other newer features; with
newer headers nothing changes. Idempotent; prints what it did. ``scripts/setup.sh`` runs it
on the unpacked sdist before a Vulkan build, and the patch's text is part of that wheel's
cache key.
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path("vendor/llama.cpp/ggml/src/ggml-vulkan/ggml-vulkan.cpp")
MARKER = "#ifdef VK_EXT_layer_settings  // Slice: older Vulkan headers"
BEFORE = """    VkBool32 enable_best_practice = layer_settings;
    std::vector<vk::LayerSettingEXT> settings = {"""
CREATE = ("    vk::InstanceCreateInfo instance_create_info(vk::InstanceCreateFlags{}, &app_info, "
          "layers, extensions, &layer_setting_info);\n")
FALLBACK = (
    "#else\n"
    "    GGML_UNUSED(enable_best_practice);  // no layer settings without the extension\n"
    "    vk::InstanceCreateInfo instance_create_info(vk::InstanceCreateFlags{}, &app_info, "
    "layers, extensions);\n"
    "#endif\n"
)


def patch(source: Path) -> str:
    """Patch ``source`` (an unpacked sdist); returns what was done."""
    path = source / TARGET
    text = path.read_text(encoding="utf-8")
    if MARKER in text:
        return f"{path}: already patched"
    if BEFORE not in text or text.count(CREATE) != 1:
        raise SystemExit(f"{path}: the layer settings code is not where this patch expects "
                         "it (another llama.cpp version?): update scripts/patch_llama_cpp.py")
    text = text.replace(BEFORE, BEFORE.replace(
        "    VkBool32 enable_best_practice = layer_settings;\n",
        f"    VkBool32 enable_best_practice = layer_settings;\n{MARKER}\n"), 1)
    text = text.replace(CREATE, CREATE + FALLBACK, 1)
    path.write_text(text, encoding="utf-8")
    return f"{path}: VK_EXT_layer_settings guarded"


if __name__ == "__main__":
    print(patch(Path(sys.argv[1])))
