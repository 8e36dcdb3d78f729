; Inno Setup 6 script: a per-user installer for the PyInstaller folder (build\dist\SalesMirror).
;
;   iscc /DAppVersion=0.1.0 installers\windows\salesmirror.iss
;
; Per user, no administrator rights: the app goes to %LOCALAPPDATA%\Programs\SalesMirror and a
; Start-menu entry to the user's own menu. An upgrade closes a running SalesMirror and replaces the
; old files (the previous _internal folder is removed first, so no stale library survives).
; Uninstalling asks whether to delete settings, models and stored calls, and keeps them unless told.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (the release workflow reads it from the bundle)
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{466217C0-E37F-42BB-B537-2393F2A2475C}
AppName=SalesMirror
AppVersion={#AppVersion}
AppVerName=SalesMirror {#AppVersion}
AppPublisher=The SalesMirror developers
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\SalesMirror
DefaultGroupName=SalesMirror
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\icons\salesmirror.ico
UninstallDisplayIcon={app}\salesmirror.exe
UninstallDisplayName=SalesMirror
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
CloseApplications=yes
RestartApplications=no
OutputDir=..\..\build\dist
OutputBaseFilename=SalesMirror-{#AppVersion}-windows-x64-setup

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the old files rather than mixing two versions' libraries.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\build\dist\SalesMirror\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\SalesMirror"; Filename: "{app}\salesmirror.exe"; Comment: "Sales-call coach beside your video call"
Name: "{autodesktop}\SalesMirror"; Filename: "{app}\salesmirror.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\salesmirror.exe"; Description: "{cm:LaunchProgram,SalesMirror}"; Flags: nowait postinstall skipifsilent

[Code]
// Settings, downloaded models and stored calls live in %LOCALAPPDATA%\SalesMirror (platformdirs,
// salesmirror/paths.py). They are the user's: ask before deleting, default to keeping them.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{localappdata}\SalesMirror');
  if UninstallSilent or not DirExists(DataDir) then
    Exit;
  if MsgBox('Also delete your SalesMirror settings, speech models and stored calls?' + #13#10 + #13#10 +
            'Choose No to keep them for a later installation. They are in ' + DataDir + '.',
            mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
    DelTree(DataDir, True, True, True);
end;
