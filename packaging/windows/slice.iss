; Inno Setup script: the Windows installer for Slice (built by .github/workflows/release.yml).
;
;   iscc /DAppVersion=0.1.0 /DSetupIcon=..\..\build\slice.ico packaging\windows\slice.iss
;
; Wraps the PyInstaller bundle (build\dist\slice-chat: Slice.exe for the Start menu,
; slice-chat.exe for a terminal, the starter model inside). Installs per user by default
; (no administrator rights needed); the user may choose all users instead. Uninstalling
; removes the program folder only: models, chats and settings in %LOCALAPPDATA%\Slice stay.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\dist\slice-chat"
#endif
#ifndef Flavour
  ; "" for the CPU build, "-vulkan" or "-cuda" for a GPU build (the installer's file name)
  #define Flavour ""
#endif
#ifndef OutputDir
  #define OutputDir "..\..\build"
#endif

[Setup]
AppId={{6B0F3C52-9E21-4F5A-8C7D-2A4E91B0D3F7}
AppName=Slice
AppVersion={#AppVersion}
AppVerName=Slice {#AppVersion}
AppPublisher=Slice
DefaultDirName={autopf}\Slice
DefaultGroupName=Slice
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=Slice-{#AppVersion}-windows-x64{#Flavour}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\Slice.exe
UninstallDisplayName=Slice
#ifdef SetupIcon
SetupIconFile={#SetupIcon}
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Slice"; Filename: "{app}\Slice.exe"; Comment: "Chat with local language models"
Name: "{autodesktop}\Slice"; Filename: "{app}\Slice.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Slice.exe"; Description: "{cm:LaunchProgram,Slice}"; Flags: nowait postinstall skipifsilent
