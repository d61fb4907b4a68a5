<#
.SYNOPSIS
    Builds the JoMA module into ./out/JoMA (publish -r linux-x64 with flat natives, patched
    libLibTorchSharp, MAML help generated from docs/cmdlets). Called by demo.ps1 and test.ps1.
#>
param([string] $Configuration = 'Release')
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
$rid = if ($IsLinux) { 'linux-x64' } elseif ($IsMacOS) { 'osx-arm64' } else { 'win-x64' }
dotnet publish ./src/JoMA.PowerShell -c $Configuration -r $rid --self-contained false -o ./out/JoMA --verbosity quiet -nologo
if ($LASTEXITCODE) { throw 'dotnet publish of the module failed.' }
# Help is generated in a separate pwsh: the binary module cannot be unloaded from this one.
& (Join-Path $PSScriptRoot tools/Invoke-Pwsh.ps1) -NoProfile -NonInteractive -File ./tools/New-JomaHelp.ps1 -ModulePath ./out/JoMA/JoMA.psd1 -DocsPath ./docs/cmdlets -OutputFile ./out/JoMA/en-US/JoMA.PowerShell.dll-Help.xml
if ($LASTEXITCODE) { throw 'Help generation failed.' }
