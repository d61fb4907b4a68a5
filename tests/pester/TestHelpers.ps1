# Shared by the Pester files (dot-sourced in their BeforeAll).

# Runs $action with non-terminating errors kept (test.ps1 runs under ErrorActionPreference Stop):
# what it wrote to the pipeline, and its first ErrorRecord. With -IncludeTerminating a terminating
# error is caught and reported the same way instead of failing the test.
function Get-ErrorOf([scriptblock] $action, [switch] $IncludeTerminating) {
    $ErrorActionPreference = 'Continue'
    if ($IncludeTerminating) { try { $all = & $action 2>&1 } catch { $all = $_ } } else { $all = & $action 2>&1 }
    [pscustomobject]@{
        Output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        Error  = $all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Select-Object -First 1
    }
}
