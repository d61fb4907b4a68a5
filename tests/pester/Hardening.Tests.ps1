# Issue 19: bad input and faults give clear ErrorRecords; requests that cannot fit are refused; -WhatIf does nothing.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:corpus = Join-Path $PSScriptRoot '../data/tiny-wikitext'
}

Describe 'Import-JomaConfig validates at import' {
    It 'refuses <Yaml> naming <Key>' -ForEach @(
        @{ Yaml = "optimizer:`n  lr: -0.001`n"; Key = 'optimizer.lr' }
        @{ Yaml = "optimizer:`n  lr: .nan`n"; Key = 'optimizer.lr' }
        @{ Yaml = "model:`n  layers: 1000000000`n"; Key = 'model.layers' }
    ) {
        $path = Join-Path $TestDrive 'bad.yaml'
        Set-Content $path $Yaml
        $e = (Get-ErrorOf { Import-JomaConfig $path }).Error
        $e.FullyQualifiedErrorId | Should -BeLike 'ConfigInvalidValue,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.Message | Should -BeLike "*$Key*"
    }

    It 'refuses an empty file instead of returning defaults' {
        $path = Join-Path $TestDrive 'empty.yaml'
        Set-Content $path ''
        (Get-ErrorOf { Import-JomaConfig $path }).Error.FullyQualifiedErrorId | Should -BeLike 'ConfigEmpty,*'
    }

    It 'New-JomaConfig applies the same rules to -Set' {
        $e = { New-JomaConfig -Set @{ 'optimizer.lr' = -1 } } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'ConfigInvalidValue,*'
    }
}

Describe 'Invoke-JomaDynamics refuses and streams' {
    It 'refuses two billion samples at once, with the estimate' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = Get-ErrorOf { Invoke-JomaDynamics -Mu 1, 2 -Until 1e9 -SampleInterval 0.5 | Select-Object -First 3 }
        $r.Error.FullyQualifiedErrorId | Should -BeLike 'SampleCountTooLarge,*'
        $r.Error.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $r.Error.Exception.Message | Should -BeLike '*GB*'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'honours Select-Object -First promptly on a long run' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $first = Invoke-JomaDynamics -Mu 1, 2, 3 -Until 1e6 -SampleInterval 0.5 | Select-Object -First 3
        @($first).Count | Should -Be 3
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'makes a -Mu/-Delta length mismatch an error' {
        (Get-ErrorOf { Invoke-JomaDynamics -System Linear -Mu 1, 2, 3 -Delta 1, 2 -Until 1 }).Error.FullyQualifiedErrorId | Should -BeLike 'DimensionMismatch,*'
    }

    It 'never reports a negative entropy' {
        $samples = Invoke-JomaDynamics -System Linear -Delta 50, 0.001 -Until 100 -SampleInterval 10
        $samples.Entropy | ForEach-Object { $_ | Should -BeGreaterOrEqual 0 }
        $samples | ForEach-Object { [double]::IsNegative($_.Entropy) | Should -BeFalse }
    }
}

Describe 'File-system failures are WriteError ErrorRecords' {
    It 'Export-JomaConfig into a missing folder names the path and leaves nothing' {
        $path = Join-Path $TestDrive 'nowhere/c.yaml'
        $e = (Get-ErrorOf { New-JomaConfig | Export-JomaConfig $path }).Error
        $e.FullyQualifiedErrorId | Should -BeLike 'WriteFailed,*'
        $e.CategoryInfo.Category | Should -Be 'WriteError'
        $e.Exception.Message | Should -BeLike "*$path*"
        $e.Exception.Message | Should -Not -BeLike '*.tmp*'
    }

    It 'Export-JomaPlot to a file that is a folder names the user''s path, not a temporary file' {
        $path = Join-Path $TestDrive 'plot.png'
        $null = New-Item -ItemType Directory $path
        $e = (Get-ErrorOf -IncludeTerminating { Invoke-JomaDynamics -Mu 1, 2 -Until 5 -SampleInterval 1 | Export-JomaPlot $path -Force }).Error
        $e.CategoryInfo.Category | Should -Be 'WriteError'
        $e.Exception.Message | Should -BeLike "*$path*"
        $e.Exception.Message | Should -Not -BeLike '*.tmp*'
        @(Get-ChildItem $TestDrive -Filter '.plot.png*' -Force).Count | Should -Be 0
    }
}

Describe 'Start-JomaTraining output folder failures' {
    It 'an -OutputDirectory that cannot be created is a WriteError naming it' {
        $file = Join-Path $TestDrive 'not-a-folder'
        Set-Content $file 'x'
        $e = (Get-ErrorOf -IncludeTerminating { Start-JomaTraining -Corpus $corpus -MaxSteps 1 -OutputDirectory $file }).Error
        $e.FullyQualifiedErrorId | Should -BeLike 'WriteFailed,*'
        $e.CategoryInfo.Category | Should -Be 'WriteError'
        $e.Exception.Message | Should -BeLike "*$file*"
    }
}

Describe 'Start-JomaTraining -WhatIf' {
    It 'does not train without -OutputDirectory either' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Start-JomaTraining -Corpus $corpus -MaxSteps 100000 -WhatIf | Should -BeNullOrEmpty
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
    }
}

Describe 'Import-JomaCheckpoint on a training run' {
    It 'says what to use instead' {
        $run = Join-Path $TestDrive 'run'
        $null = Start-JomaTraining -Corpus $corpus -ModelDimension 16 -FeedForwardDimension 16 -Heads 1 -MaxSteps 2 -EvaluateEvery 2 -OutputDirectory $run
        $e = (Get-ErrorOf { Import-JomaCheckpoint $run }).Error
        $e.FullyQualifiedErrorId | Should -BeLike 'CheckpointIsTrainingRun,*'
        $e.Exception.Message | Should -BeLike '*Measure-JomaTokenAttention*'
    }
}

Describe 'UX found following the README and the help' {
    It 'plots CSVs of the module''s own objects again after Import-Csv (<Name>)' -ForEach @(
        @{ Name = 'dynamics samples'; Make = { Invoke-JomaDynamics -Mu 1, 2, 3 -Until 10 -SampleInterval 1 } }
        @{ Name = 'sparsity rows'; Make = { Invoke-JomaDynamics -Mu 1, 2, 3 -Until 10 -SampleInterval 1 | Measure-AttentionSparsity } }
        @{ Name = 'invariant samples'; Make = { Invoke-JomaJointDynamics -Steps 20 -SampleInterval 5 } }
    ) {
        $csv = Join-Path $TestDrive "$($Name -replace ' ', '-').csv"
        & $Make | Export-Csv $csv
        $png = Join-Path $TestDrive "$($Name -replace ' ', '-').png"
        Import-Csv $csv | Export-JomaPlot $png
        $png | Should -Exist
    }

    It 'offers config keys for New-JomaConfig -Set' {
        $line = 'New-JomaConfig -Set '
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain "@{ 'optimizer.lr' = "
    }

    It 'shows nested statistics readably in Select-Object *' {
        $text = Invoke-JomaDynamics -Mu 1, 2 -Until 2 -SampleInterval 1 | Measure-AttentionSparsity | Select-Object -First 1 * | Out-String
        $text | Should -Not -Match 'JoMA\.Engine\.[A-Za-z.]+ \{'
    }
}
