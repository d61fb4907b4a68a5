BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    # A CPU-sized tree and model: seconds, not hours.
    $script:treeArgs = @{ Vocabulary = 30; SequenceLength = 12; Classes = 8; LatentsPerLayer = 8, 10; Branching = 2, 2, 2; Seed = 1 }
    $script:small = @{ Task = 'Hierarchical'; Layers = 2; ModelDimension = 32; BatchSize = 32; LearningRate = 2e-3; WeightDecay = 1e-4; Device = 'Cpu' }
}

Describe 'New-JomaLatentTree and Get-JomaLatentSample' {
    It 'builds the Table 1 tree and streams samples whose tokens are the union of the active latents'' leaves' {
        $tree = New-JomaLatentTree -Generator SubsetUnion -Vocabulary 100 -SequenceLength 30 -Classes 20 -LatentsPerLayer 10, 20 -Branching 2, 2, 2 -Seed 1
        $tree | Should -BeOfType ([JoMA.Engine.Hierarchy.LatentTree])
        $tree.LatentsPerLayer.ToArray() | Should -Be 10, 20, 20
        $samples = $tree | Get-JomaLatentSample -Count 5
        $samples.Count | Should -Be 5
        foreach ($s in $samples) {
            $s.Tokens.Count | Should -Be 30
            $expected = $s.ActiveLatents[0] | ForEach-Object { $tree.Layers[0].Children[$_] } | Sort-Object -Unique
            @($s.Tokens | Where-Object { $_ -ne 99 }) | Should -Be @($expected)
        }
        ($samples | Format-Table Label, Tokens | Out-String) | Should -Match 'Label'
    }

    It 'repeats itself for the same seeds and writes CSV and JSON-lines datasets' {
        $a = New-JomaLatentTree -Generator Binomial -Depth 4 -Children 2 -Delta 0.6, 0.9 -Seed 3 | Get-JomaLatentSample -Count 50
        $b = New-JomaLatentTree -Generator Binomial -Depth 4 -Children 2 -Delta 0.6, 0.9 -Seed 3 | Get-JomaLatentSample -Count 50
        ($a | ForEach-Object { "$($_.Tokens)" }) | Should -Be ($b | ForEach-Object { "$($_.Tokens)" })
        $csv = Join-Path $TestDrive 'hltm.csv'
        $a | Export-Csv $csv
        (Import-Csv $csv)[7].Tokens | Should -Be "$($a[7].Tokens)"
        $jsonl = Join-Path $TestDrive 'train.jsonl'
        New-JomaLatentTree @treeArgs | Get-JomaLatentSample -Count 20 -Path $jsonl
        $lines = Get-Content $jsonl
        $lines.Count | Should -Be 20
        ($lines[0] | ConvertFrom-Json).tokens.Count | Should -Be 12
        { New-JomaLatentTree @treeArgs | Get-JomaLatentSample -Count 2 -Path $jsonl } | Should -Throw -ErrorId 'FileExists*'
    }

    It 'round-trips a tree through Export/Import-JomaLatentTree' {
        $tree = New-JomaLatentTree -Generator Binomial -Depth 3 -Seed 5
        $path = Join-Path $TestDrive 'tree.json'
        $tree | Export-JomaLatentTree $path
        $back = Import-JomaLatentTree $path
        "$(($back | Get-JomaLatentSample -Count 10).Tokens)" | Should -Be "$(($tree | Get-JomaLatentSample -Count 10).Tokens)"
        $back.Layers[0].EdgeDeltas[1] | Should -Be $tree.Layers[0].EdgeDeltas[1]
        $tree | Export-JomaLatentTree $path -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FileExists*'
    }

    It 'rejects impossible trees with a clear error' {
        { New-JomaLatentTree -Vocabulary 5 -LatentsPerLayer 10 -Branching 2, 2 } | Should -Throw -ErrorId 'TooManyUniqueSubsets*'
        { New-JomaLatentTree -Vocabulary 3 -LatentsPerLayer 2 -Branching 5, 1 } | Should -Throw -ErrorId 'BranchingExceedsLayerBelow*'
        { New-JomaLatentTree -Generator Binomial -Vocabulary 50 } | Should -Throw -ErrorId 'ParameterNotForGenerator*'
        { Import-JomaLatentTree (Join-Path $TestDrive 'nope.json') -ErrorAction Stop } | Should -Throw -ErrorId 'TreeFileNotFound*'
    }
}

Describe 'Start-JomaTraining -Task Hierarchical and Measure-JomaLatentAlignment' {
    It 'streams hierarchy snapshots that Measure-JomaLatentAlignment scores per layer and per latent' {
        $tree = New-JomaLatentTree @treeArgs
        $run = Join-Path $TestDrive 'run'
        $snapshots = Start-JomaTraining @small -LatentTree $tree -Steps 20 -EvaluateEvery 10 -OutputDirectory $run
        $snapshots.Step | Should -Be 0, 10, 20
        $snapshots[0] | Should -BeOfType ([JoMA.Engine.Training.JomaHierarchySnapshot])
        $snapshots[-1].Accuracy | Should -BeGreaterOrEqual 0
        $snapshots[-1].CheckpointPath | Should -Exist
        $rows = $snapshots | Measure-JomaLatentAlignment -Samples 256
        $rows.Count | Should -Be 6
        $rows[0] | Should -BeOfType ([JoMA.Engine.Hierarchy.LatentAlignment])
        ($rows | Where-Object Step -eq 20).Layer | Should -Be 0, 1
        $rows | ForEach-Object { $_.Score | Should -BeGreaterThan 0; $_.Score | Should -BeLessOrEqual 1 }
        $perLatent = $snapshots[-1] | Measure-JomaLatentAlignment -Samples 256 -PerLatent
        $perLatent.Count | Should -Be (8 + 10)
        # The checkpoint on disk gives the snapshot's numbers.
        $fromDisk = Measure-JomaLatentAlignment -CheckpointPath $run -Samples 256
        $fromDisk.Score | Should -Be ($rows | Where-Object Step -eq 20).Score
        $cosine = $snapshots[-1] | Measure-JomaLatentAlignment -Samples 256 -Correlation Cosine
        $cosine[0].Correlation | Should -Be 'Cosine'
        Import-JomaLatentTree $run | Should -Not -BeNullOrEmpty
    }

    It 'resumes a hierarchical run exactly' {
        $tree = New-JomaLatentTree @treeArgs
        $whole = Start-JomaTraining @small -LatentTree $tree -Steps 10 -EvaluateEvery 5 | Select-Object -Last 1
        $run = Join-Path $TestDrive 'halves'
        $null = Start-JomaTraining @small -LatentTree $tree -Steps 5 -EvaluateEvery 5 -OutputDirectory $run
        $rest = Start-JomaTraining -ResumeFrom $run -Steps 10
        $rest[-1].Step | Should -Be 10
        $rest[-1].EvaluationLoss | Should -Be $whole.EvaluationLoss
    }

    It 'says what is missing' {
        { Start-JomaTraining -Task Hierarchical -Steps 10 } | Should -Throw -ErrorId 'LatentTreeMissing*'
        { Start-JomaTraining @small -LatentTree (New-JomaLatentTree @treeArgs) } | Should -Throw -ErrorId 'StepsMissing*'
        Measure-JomaLatentAlignment -CheckpointPath $TestDrive -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CheckpointNotFound*'
    }
}
