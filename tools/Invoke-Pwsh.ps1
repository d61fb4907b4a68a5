<#
.SYNOPSIS
    Runs a fresh pwsh process of the same PowerShell as this one, with the given arguments.
    Under the local dotnet tool the running process is `dotnet pwsh.dll`, so $PSHOME/pwsh may not exist.
#>
$native = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
if (Test-Path $native) { & $native @args } else { & dotnet (Join-Path $PSHOME 'pwsh.dll') @args }
exit $LASTEXITCODE
