# Issue 19: every example a user reads runs as written. Each cmdlet page's first example (docs/cmdlets/*.md,
# the help source, enumerated at run time) and the README's quick-start statements run in a fresh pwsh, in a
# fresh working folder laid out like the repo root, under a time limit.
BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:pages = foreach ($page in Get-ChildItem (Join-Path $root 'docs/cmdlets') -Filter '*.md' | Where-Object Name -notlike '_*' | Sort-Object Name) {
        $text = (Get-Content $page.FullName -Raw) -replace "`r`n", "`n"
        $examples = $text.IndexOf('## EXAMPLES')
        $match = [regex]::Match($text.Substring([Math]::Max(0, $examples)), '(?ms)^```powershell\n(.*?)^```')
        @{ Name = $page.BaseName; Code = $match.Groups[1].Value; HasExample = $examples -ge 0 -and $match.Success }
    }
    # README statements that need a download (~/data, the hub cache) or run for minutes are parsed, not run.
    $readme = (Get-Content (Join-Path $root 'README.md') -Raw) -replace "`r`n", "`n"
    $script:readmeBlocks = @([regex]::Matches($readme, '(?ms)^```(?:powershell|pwsh)\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value })
}

BeforeAll {
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:module = Join-Path $root 'out/JoMA/JoMA.psd1'

    # A fresh folder that looks like the repo root to a user (examples/, tests/, docs/ beside it), nothing else.
    function New-FreshRoot([string] $name) {
        $dir = Join-Path $TestDrive $name
        $null = New-Item -ItemType Directory $dir -Force
        foreach ($sub in 'examples', 'tests', 'docs') {
            $null = New-Item -ItemType SymbolicLink -Path (Join-Path $dir $sub) -Target (Join-Path $root $sub)
        }
        $dir
    }

    # Runs $code in a new pwsh (as a user would, module imported, errors stop it) in $dir; fails past $seconds.
    function Invoke-AsUser([string] $code, [string] $dir, [int] $seconds) {
        $script = Join-Path $dir '.example.ps1'
        @(
            '$ErrorActionPreference = ''Stop''', '$ProgressPreference = ''SilentlyContinue''',
            "Import-Module '$module'", "Set-Location '$dir'", $code
        ) | Set-Content $script
        $native = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $file, $arguments = (Test-Path $native) ? @($native, @()) : @('dotnet', @((Join-Path $PSHOME 'pwsh.dll')))
        $arguments += '-NoProfile', '-NonInteractive', '-File', $script
        $out = Join-Path $dir '.stdout'; $err = Join-Path $dir '.stderr'
        $process = Start-Process -FilePath $file -ArgumentList $arguments -WorkingDirectory $dir -PassThru -RedirectStandardOutput $out -RedirectStandardError $err
        if (-not $process.WaitForExit($seconds * 1000)) {
            $process.Kill($true)
            throw "The example ran for more than $seconds s (a first example must finish in seconds):`n$code"
        }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = (Get-Content $out -Raw); Error = (Get-Content $err -Raw) }
    }
}

Describe 'The first help example of <Name>' -ForEach $pages {
    It 'runs as written from the repo root in seconds' {
        $HasExample | Should -BeTrue -Because "docs/cmdlets/$Name.md needs an EXAMPLES section whose first block is powershell"
        $result = Invoke-AsUser $Code (New-FreshRoot $Name) 240
        $result.ExitCode | Should -Be 0 -Because "the first example failed:`n$Code`n$($result.Error)"
        "$($result.Error)" | Should -Not -Match 'Exception|error' -Because "it wrote errors:`n$($result.Error)"
    }
}

Describe 'README code blocks' {
    It 'parse as PowerShell' -ForEach $readmeBlocks {
        $tokens = $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($_, [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty
    }

    It 'never export into a folder the same pipeline creates (Export-Csv opens its file first)' {
        $blocks = @($readmeBlocks) + @(Get-ChildItem (Join-Path $root 'docs/cmdlets/*.md') | ForEach-Object {
            [regex]::Matches((Get-Content $_ -Raw), '(?ms)^```powershell\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value } })
        foreach ($block in $blocks) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($block, [ref] $null, [ref] $null)
            foreach ($pipeline in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.PipelineAst] }, $true)) {
                $text = $pipeline.Extent.Text
                if ($text -match '-OutputDirectory\s+(\S+)') {
                    $output = $Matches[1].TrimEnd('/')
                    $text | Should -Not -Match ("(Export-Csv|Out-File|Export-JomaPlot|Set-Content)\s+(-Path\s+)?" + [regex]::Escape($output) + '/') -Because 'that folder does not exist yet when the export opens its file'
                }
            }
        }
    }

    It 'quick-start statements run as written' {
        $skip = '~/', 'dotnet pwsh', 'Import-Module', '-ResumeFrom', 'runs/tiny', 'wikitext2-sweep', '-HubCache'
        $statements = foreach ($block in $readmeBlocks) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($block, [ref] $null, [ref] $null)
            foreach ($statement in $ast.EndBlock.Statements) {
                $text = $statement.Extent.Text
                if (-not ($skip | Where-Object { $text.Contains($_) })) { $text }
            }
        }
        @($statements).Count | Should -BeGreaterThan 3
        $result = Invoke-AsUser ($statements -join "`n") (New-FreshRoot 'readme') 300
        $result.ExitCode | Should -Be 0 -Because "a README statement failed:`n$($result.Error)"
    }
}
