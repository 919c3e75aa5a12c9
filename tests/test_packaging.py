"""The packaging pieces that run without building an installer (make package-test does that).

The rules of what the bundle keeps, the llama_cpp hook, the ELF and ldd helpers, the .deb
layout and control file, all on real files: llama-cpp-python's libraries, PySide6's
plugins, a library compiled with debug info, and dpkg-deb itself.
"""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import llama_cpp
import PySide6
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import build_deb  # noqa: E402
import bundle_rules  # noqa: E402
import check_bundle  # noqa: E402
import elfdeps  # noqa: E402

LLAMA_LIB = Path(llama_cpp.__file__).parent / "lib"
QT_PLUGINS = Path(PySide6.__file__).parent / "Qt" / "plugins"


def fake_bundle(root: Path, with_ggml: bool = True) -> Path:
    """A bundle laid out like PyInstaller's, holding llama.cpp's real libraries."""
    lib = root / "_internal" / "llama_cpp" / "lib"
    lib.mkdir(parents=True)
    names = ["libllama.so", "libllama.so.0"]
    if with_ggml:
        names += ["libggml.so.0", "libggml-base.so.0", "libggml-cpu.so.0"]
    for name in names:
        shutil.copy(LLAMA_LIB / name, lib / name)
    gomp = elfdeps.ldd(LLAMA_LIB / "libggml-base.so").resolved["libgomp.so.1"]
    shutil.copy(gomp, root / "_internal" / "libgomp.so.1")
    shutil.copy("/bin/true", root / "slice-chat")
    return root


# --- What the bundle keeps ----------------------------------------------------------------

def test_the_platforms_a_desktop_needs_stay_in() -> None:
    platforms = {p.name for p in (QT_PLUGINS / "platforms").iterdir()}
    kept = {
        n for n in platforms if not bundle_rules.is_excluded(f"PySide6/Qt/plugins/platforms/{n}")
    }
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= kept
    assert "libqeglfs.so" not in kept and "libqvnc.so" not in kept


@pytest.mark.parametrize(
    ("dest", "excluded"),
    [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
        ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", False),
        ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),  # Slice is translated into German
        ("PySide6/Qt/translations/qtbase_es.qm", False),
        ("PySide6/Qt/translations/qtbase_fr.qm", True),  # no French translation of Slice
        ("PySide6/Qt/translations/qt_de.qm", True),
        ("PySide6/Qt/translations/assistant_de.qm", True),
        ("assets/translations/slice_de.qm", False),
        ("PySide6/Qt/lib/libQt6Gui.so.6", False),
        ("libQt6EglFSDeviceIntegration.so.6", True),
        ("libstdc++.so.6", True),
        ("libxcb-cursor.so.0", True),
        ("libfontconfig.so.1", True),
        ("libgomp.so.1", False),
        ("libpython3.11.so.1.0", False),
        ("llama_cpp/lib/libllama.so", False),
        ("models/SmolLM2-135M-Instruct.Q4_1.gguf", False),
    ],
)
def test_bundle_entries_kept_or_left_out(dest: str, excluded: bool) -> None:
    assert bundle_rules.is_excluded(dest) is excluded
    assert bundle_rules.is_excluded(dest.replace("/", "\\")) is excluded  # Windows TOCs


def test_libraries_only_excluded_plugins_needed_are_pruned(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path / "b")
    lib = bundle / "_internal" / "llama_cpp" / "lib"
    toc = [
        ("llama_cpp/lib/libllama.so", str(lib / "libllama.so"), "BINARY"),
        ("libggml.so.0", "llama_cpp/lib/libggml.so.0", "SYMLINK"),
        ("libggml-base.so.0", str(lib / "libggml-base.so.0"), "BINARY"),
        ("libgomp.so.1", str(bundle / "_internal" / "libgomp.so.1"), "BINARY"),
        # A library nothing kept links against (as GTK's were, for the GTK theme plugin).
        ("libunused.so.1", str(lib / "libggml-cpu.so.0"), "BINARY"),
        ("libpython3.11.so.1.0", "/nonexistent/libpython3.11.so.1.0", "BINARY"),
    ]
    kept, dropped = bundle_rules.prune_unneeded_libraries(
        toc, lambda source: elfdeps.needed_libraries(Path(source))
    )
    assert dropped == ["libunused.so.1"]
    names = [entry[0] for entry in kept]
    # libgomp is reached through libggml-base, which libllama needs.
    assert names == [e[0] for e in toc if e[0] != "libunused.so.1"]


def test_duplicate_library_copies_become_symlinks(tmp_path: Path) -> None:
    lib = tmp_path / "_internal" / "llama_cpp" / "lib"
    lib.mkdir(parents=True)
    for name in ("libllama.so", "libllama.so.0", "libllama.so.0.5.0", "libggml.so", "libggml.so.0"):
        shutil.copy(LLAMA_LIB / name, lib / name)
    saved = bundle_rules.link_duplicate_libraries(tmp_path)
    size = (LLAMA_LIB / "libllama.so").stat().st_size
    assert saved == 2 * size + (LLAMA_LIB / "libggml.so").stat().st_size
    assert not (lib / "libllama.so").is_symlink()
    assert (lib / "libllama.so.0").readlink() == Path("libllama.so")
    assert (lib / "libggml.so.0").readlink() == Path("libggml.so")
    assert (lib / "libllama.so.0.5.0").read_bytes() == (LLAMA_LIB / "libllama.so").read_bytes()


def test_debug_info_is_stripped_except_from_auditwheel_libraries(tmp_path: Path) -> None:
    source = tmp_path / "demo.c"
    source.write_text("int slice_demo(int x) { return x * 2; }\n")
    built = tmp_path / "libdemo.so"
    subprocess.run(["gcc", "-g", "-shared", "-fPIC", "-o", str(built), str(source)], check=True)
    dist = tmp_path / "dist"
    (dist / "numpy.libs").mkdir(parents=True)
    shutil.copy(built, dist / "libdemo.so")
    shutil.copy(built, dist / "numpy.libs" / "libdemo.so")
    saved = bundle_rules.strip_debug_info(dist)
    assert saved > 0 and (dist / "libdemo.so").stat().st_size < built.stat().st_size
    assert (dist / "numpy.libs" / "libdemo.so").read_bytes() == built.read_bytes()
    assert elfdeps.needed_libraries(dist / "libdemo.so") == elfdeps.needed_libraries(built)


def test_the_hook_collects_llama_cpp_libraries_where_llama_cpp_looks() -> None:
    hook = runpy.run_path(str(PACKAGING / "hooks" / "hook-llama_cpp.py"))
    binaries = {(Path(src).name, dest) for src, dest in hook["binaries"]}
    # llama_cpp loads lib/libllama.so and lib/libggml.so by name, next to its modules.
    assert ("libllama.so", "llama_cpp/lib") in binaries
    assert ("libggml.so", "llama_cpp/lib") in binaries
    assert "llama_cpp.mtmd_cpp" in hook["hiddenimports"]  # imported inside a function
    assert not any(name.startswith("llama_cpp.server") for name in hook["hiddenimports"])


@pytest.mark.parametrize(("original", "expected"), [(None, None), ("/user/lib", "/user/lib")])
def test_programs_the_app_starts_get_the_users_library_path(
    original: str | None, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the bootloader leaves: the bundle first, the user's value saved aside.
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/slice/_internal")
    if original is not None:
        monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", original)
    runpy.run_path(str(PACKAGING / "hooks" / "rthook_system_env.py"))
    assert os.environ.get("LD_LIBRARY_PATH") == expected
    assert "LD_LIBRARY_PATH_ORIG" not in os.environ


def test_the_spec_uses_the_hooks_and_the_rules() -> None:
    text = (PACKAGING / "slice.spec").read_text()
    compile(text, "slice.spec", "exec")
    assert 'hookspath=[str(ROOT / "packaging" / "hooks")]' in text
    assert '"hooks" / "rthook_system_env.py"' in text
    for name in ("filter_toc", "prune_unneeded_libraries", "link_duplicate_libraries",
                 "strip_debug_info", "starter_model", "EXCLUDED_MODULES"):
        assert f"bundle_rules.{name}" in text


def test_the_starter_model_for_the_bundle_is_verified(smollm_path: str) -> None:
    assert bundle_rules.starter_model() == Path(smollm_path)


# --- ELF and ldd --------------------------------------------------------------------------

def test_needed_libraries_and_glibc_version_of_a_real_library() -> None:
    needed = elfdeps.needed_libraries(LLAMA_LIB / "libllama.so")
    assert {"libggml.so.0", "libggml-base.so.0", "libc.so.6"} <= set(needed)
    assert elfdeps.glibc_version_needed(LLAMA_LIB / "libllama.so") >= (2, 2)
    assert elfdeps.needed_libraries(ROOT / "README.md") == []


def test_ldd_check_names_a_missing_library(tmp_path: Path) -> None:
    complete = fake_bundle(tmp_path / "complete")
    count, problems, resolved = check_bundle.ldd_problems(complete)
    assert count == 7 and problems == []
    assert resolved["libggml.so.0"].startswith(str(complete))
    broken = fake_bundle(tmp_path / "broken", with_ggml=False)
    _count, problems, _resolved = check_bundle.ldd_problems(broken)
    assert any("libllama.so: libggml.so.0 not found" in p for p in problems)


# --- The .deb -----------------------------------------------------------------------------

def test_depends_names_a_package_for_every_system_library() -> None:
    depends = build_deb.depends_field(["libc.so.6", "libstdc++.so.6", "libxcb.so.1"], (2, 34))
    items = [item.strip() for item in depends.split(",")]
    assert items[0] == "libc6 (>= 2.34)"
    assert {"libstdc++6", "libxcb1", "libegl1", "libgl1", "libxcb-cursor0"} <= set(items)
    with pytest.raises(build_deb.PackagingError, match=r"libmystery\.so\.3"):
        build_deb.depends_field(["libmystery.so.3"], (2, 34))


def test_a_gpu_build_depends_on_its_loader_and_recommends_its_driver() -> None:
    # The linked libraries of a Vulkan build and a CUDA build (tests/test_vulkan.py reads
    # them from the real Vulkan build).
    vulkan = build_deb.depends_field(["libc.so.6", "libvulkan.so.1", "libgomp.so.1"], (2, 34))
    assert "libvulkan1" in [item.strip() for item in vulkan.split(",")]
    cuda = ["libc.so.6", "libcuda.so.1"]
    assert "libcuda" not in build_deb.depends_field(cuda, (2, 34))
    assert build_deb.recommends_field(cuda) == "libcuda1"
    assert build_deb.recommends_field(["libvulkan.so.1"]) == ""
    control = build_deb.control_text("1.0", "amd64", 10, "libc6", "libcuda1")
    assert "\nDepends: libc6\nRecommends: libcuda1\nSection: utils\n" in control
    # Both come from the system, never from the bundle.
    assert bundle_rules.is_excluded("libvulkan.so.1") and bundle_rules.is_excluded("libcuda.so.1")
    assert not bundle_rules.is_excluded("libcudart.so.12")


def test_the_deb_layout_and_control_file(tmp_path: Path, qapp: object) -> None:
    # qapp: the icons are rendered with Qt, in the tests' one QApplication.
    bundle = fake_bundle(tmp_path / "bundle")
    deb = build_deb.build(bundle, tmp_path / "out", "1.2.3", "amd64")
    assert deb.name == "slice-chat_1.2.3_amd64.deb"
    info = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True,
                          check=True).stdout
    fields = dict(re.findall(r"^(\S+): (.*)$", info, re.MULTILINE))
    assert fields["Package"] == "slice-chat" and fields["Version"] == "1.2.3"
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert depends[0].startswith("libc6 (>= 2.")
    assert "libstdc++6" in depends and "libgcc-s1" in depends
    listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True,
                             text=True, check=True).stdout
    assert "./usr/bin/slice-chat -> /opt/slice/slice-chat" in listing
    for path in ("./opt/slice/_internal/llama_cpp/lib/libllama.so",
                 "./usr/share/applications/slice-chat.desktop",
                 "./usr/share/icons/hicolor/48x48/apps/slice-chat.png",
                 "./usr/share/icons/hicolor/512x512/apps/slice-chat.png",
                 "./usr/share/icons/hicolor/scalable/apps/slice-chat.svg",
                 "./usr/share/doc/slice-chat/copyright"):
        assert path in listing
    assert "root/root" in listing and not re.search(r"^\S+ (?!root/root)\S+/", listing, re.M)
    # No maintainer scripts: removing the package cannot touch anyone's data.
    scripts = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    assert not re.search(r"\b(preinst|postinst|prerm|postrm)\b", scripts)


def test_the_desktop_entry_matches_the_installed_names() -> None:
    entry = dict(
        line.split("=", 1) for line in (ROOT / "assets" / "slice-chat.desktop").read_text()
        .splitlines() if "=" in line
    )
    assert entry["Exec"].split()[0] == build_deb.PACKAGE
    assert entry["Icon"] == build_deb.PACKAGE  # the name the hicolor icons are installed as
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"


# --- The other installers and the release workflow -----------------------------------------

def setup_default_cmake_args() -> str:
    text = (ROOT / "scripts" / "setup.sh").read_text()
    match = re.search(r'^portable_args="([^"]+)"', text, re.MULTILINE)
    assert match
    return match.group(1)


def test_the_release_workflow_builds_all_three_on_a_tag() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["tags"] == ["v*"]
    jobs = workflow["jobs"]
    assert jobs["linux"]["container"] == "debian:12"
    assert jobs["windows"]["runs-on"].startswith("windows")
    assert jobs["macos"]["runs-on"].startswith("macos")
    assert set(jobs["release"]["needs"]) == {"linux", "windows", "macos"}
    linux_steps = " ".join(str(step.get("run", "")) for step in jobs["linux"]["steps"])
    assert "make package-test" in linux_steps
    # The Windows build uses the same portable CPU baseline as the Linux one.
    assert workflow["env"]["X86_64_CMAKE_ARGS"] == setup_default_cmake_args()
    assert "-DGGML_NATIVE=OFF" in workflow["env"]["MACOS_ARM64_CMAKE_ARGS"]


def test_the_release_builds_every_backend_with_setup_s_flags() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    jobs = workflow["jobs"]
    for job in ("linux", "windows"):
        assert jobs[job]["strategy"]["matrix"]["backend"] == ["cpu", "vulkan", "cuda"]
        assert jobs[job]["env"]["SLICE_BACKEND"] == "${{ matrix.backend }}"
    assert "-DGGML_METAL=ON" in workflow["env"]["MACOS_ARM64_CMAKE_ARGS"]
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    # What each GPU build adds is what scripts/setup.sh adds for SLICE_BACKEND.
    assert f'backend_args="{workflow["env"]["VULKAN_CMAKE_ARGS"]}"' in setup
    cuda = workflow["env"]["CUDA_CMAKE_ARGS"].replace("75;80;86;89;90",
                                                     "${SLICE_CUDA_ARCHITECTURES:-75;80;86;89;90}")
    assert f'backend_args="{cuda}"' in setup
    # Each installer says what it is for: the GPU builds' files are named for the backend.
    assert build_deb.deb_name("1.0", "amd64") == "slice-chat_1.0_amd64.deb"
    assert build_deb.deb_name("1.0", "amd64", "vulkan") == "slice-chat-vulkan_1.0_amd64.deb"
    iss = (PACKAGING / "windows" / "slice.iss").read_text()
    assert "OutputBaseFilename=Slice-{#AppVersion}-windows-x64{#Flavour}-setup" in iss


def test_the_inno_setup_script_wraps_the_bundle_the_spec_builds() -> None:
    iss = (PACKAGING / "windows" / "slice.iss").read_text()
    spec = (PACKAGING / "slice.spec").read_text()
    assert r'#define BundleDir "..\..\build\dist\slice-chat"' in iss
    assert 'name="slice-chat",' in spec  # COLLECT's folder
    assert 'Filename: "{app}\\Slice.exe"' in iss
    assert 'name="Slice", console=False' in spec
    assert "UninstallDelete" not in iss  # user data in %LOCALAPPDATA%\Slice stays


def test_the_vulkan_patch_guards_layer_settings_once(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import patch_llama_cpp

    target = tmp_path / patch_llama_cpp.TARGET
    target.parent.mkdir(parents=True)
    original = (  # the lines of llama-cpp-python 0.3.36's ggml-vulkan.cpp the patch changes
        "    VkBool32 enable_best_practice = layer_settings;\n"
        "    std::vector<vk::LayerSettingEXT> settings = {\n"
        "        {\"VK_LAYER_KHRONOS_validation\", \"validate_best_practices\",\n"
        "         vk::LayerSettingTypeEXT::eBool32, 1, &enable_best_practice},\n"
        "    };\n"
        "    vk::LayerSettingsCreateInfoEXT layer_setting_info(settings);\n"
        + patch_llama_cpp.CREATE
        + "#ifdef __APPLE__\n"
    )
    target.write_text(original)
    assert "guarded" in patch_llama_cpp.patch(tmp_path)
    patched = target.read_text()
    assert "already patched" in patch_llama_cpp.patch(tmp_path)
    assert target.read_text() == patched  # idempotent
    head, _, rest = patched.partition(patch_llama_cpp.MARKER)
    assert "LayerSettingEXT" not in head and "LayerSettingEXT" in rest.split("#else")[0]
    assert "#else" in rest and "#endif" in rest
    fallback = rest.split("#else")[1].split("#endif")[0]
    assert "layer_setting_info" not in fallback and "InstanceCreateInfo" in fallback
    target.write_text("int main() {}\n")
    with pytest.raises(SystemExit, match=r"update scripts/patch_llama_cpp\.py"):
        patch_llama_cpp.patch(tmp_path)
