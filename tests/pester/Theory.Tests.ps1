BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:tiny = Join-Path $PSScriptRoot '../data/tiny-wikitext'
}

Describe 'New-JomaPlantedCorpus | Measure-JomaCorpusStatistics | Invoke-JomaDynamics' {
    BeforeAll {
        $script:planted = New-JomaPlantedCorpus -Path (Join-Path $TestDrive 'planted') -Sequences 8000 -ValidationSequences 20 -Seed 3
        $script:stats = $planted | Measure-JomaCorpusStatistics -Query q0, q1, q2, q3 -Contexts 20 -Bootstrap 50
    }

    It 'writes the planted corpus with its known drives, rounded to whole batch columns' {
        $planted | Should -BeOfType ([JoMA.Engine.Theory.PlantedCorpus])
        $planted.TrainSequences | Should -Be 8000
        (Get-Content (Join-Path $planted.Path 'wiki.train.tokens')).Count | Should -Be 8000
        $d = $planted.Tokens | Where-Object { $_.Query -eq 'q0' -and $_.Kind -eq 'Distinct' } | Sort-Object ExactDrive -Descending
        $d[0].ExactDrive | Should -BeGreaterThan 0.1948
        $d[0].ExactDrive | Should -BeLessThan 0.1949          # (0.9/4)·√(3/4) = 0.19486
        ($planted.Tokens | Where-Object Kind -ne 'Distinct' | Measure-Object ExactDrive -Maximum).Maximum | Should -Be 0
    }

    It 'binds the planted corpus by property name and ranks distinct tokens above every common token' {
        foreach ($group in $stats | Where-Object Token -ne '<rest>' | Group-Object Query) {
            $top = $group.Group | Sort-Object Drive -Descending | Select-Object -First 8
            $top.Token | ForEach-Object { $_ | Should -Match '^d\d\d[01]$' -Because "the 0.9 and 0.6 distinct tokens of $($group.Name) lead" }
            $common = $group.Group | Where-Object Token -Match '^[cg]\d'
            $common.Count | Should -BeGreaterThan 0 -Because 'half the listed tokens are chosen by co-occurrence'
            ($common | Measure-Object Drive -Maximum).Maximum | Should -BeLessThan 0.01
        }
        @($stats | Where-Object Token -eq '<rest>').Count | Should -Be 4
    }

    It 'gives PMI no way to tell distinct from query-common tokens, as constructed' {
        $q0 = $stats | Where-Object Query -eq q0
        $distinct = ($q0 | Where-Object Token -Match '^d0\d0$' | Measure-Object Pmi -Average).Average
        $queryCommon = ($q0 | Where-Object Token -Match '^c0' | Measure-Object Pmi -Average).Average
        [math]::Abs($distinct - $queryCommon) | Should -BeLessThan 0.1   # both log 140 by construction
    }

    It 'predicts from the statistics: the strongest drives rise first, nothing is NaN' {
        $prediction = $stats | Invoke-JomaDynamics -Preset Nonlinear
        $prediction | Should -Not -BeNullOrEmpty
        $prediction[0] | Should -BeOfType ([JoMA.Engine.Theory.AttentionPrediction])
        foreach ($group in $prediction | Group-Object Query) {
            $first = $group.Group | Where-Object RiseTime | Sort-Object RiseTime | Select-Object -First 1
            $first.Token | Should -Match '^d\d\d0$' -Because 'a presence-0.9 distinct token has the largest drive'
            $group.Group | ForEach-Object { [double]::IsFinite($_.ExcessLogit) | Should -BeTrue }
        }
        $linear = $stats | Invoke-JomaDynamics -Preset Linear
        ($linear | Where-Object { $_.Token -match '^[cg]\d' -and $_.ExcessLogit -gt 0 }) | Should -BeNullOrEmpty -Because 'zero-drive tokens never gain under the Linear system'
    }

    It 'round-trips statistics through CSV into a prediction' {
        $csv = Join-Path $TestDrive 'stats.csv'
        $stats | Export-Csv $csv
        $again = Import-Csv $csv | Invoke-JomaDynamics
        @($again).Count | Should -Be @($stats).Count
        @($again | Where-Object Token -eq '<rest>').Count | Should -Be 4
        ($again | Where-Object Token -eq 'd000').Drive | Should -Be ($stats | Where-Object { $_.Query -eq 'q0' -and $_.Token -eq 'd000' }).Drive
    }
}

Describe 'Measure-JomaCorpusStatistics input checks' {
    It 'warns about an unknown query and counts the others' {
        $r = Get-ErrorOf { Measure-JomaCorpusStatistics -Corpus $tiny -Query the, zzzunknown -Contexts 3 -MinCount 5 -Bootstrap 0 3>&1 }
        $warnings = $r.Output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
        $warnings.Message | Should -Match "zzzunknown"
        @($r.Output | Where-Object { $_ -is [JoMA.Engine.Theory.CorpusTokenStatistic] }).Count | Should -Be 4
    }

    It 'refuses a set of queries none of which is in the vocabulary' {
        $r = Get-ErrorOf { Measure-JomaCorpusStatistics -Corpus $tiny -Query zzzunknown -Bootstrap 0 }
        $r.Error.FullyQualifiedErrorId | Should -Match '^QueryNotInVocabulary'
        $r.Error.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses an empty corpus with a clear error' {
        $empty = New-Item -ItemType Directory (Join-Path $TestDrive 'empty')
        Set-Content (Join-Path $empty 'wiki.train.tokens') ''
        Set-Content (Join-Path $empty 'wiki.valid.tokens') ''
        $r = Get-ErrorOf { Measure-JomaCorpusStatistics -Corpus $empty }
        $r.Error.FullyQualifiedErrorId | Should -Match '^CorpusEmpty'
    }

    It 'refuses a run folder that is not one' {
        $r = Get-ErrorOf { Measure-JomaCorpusStatistics -RunPath $TestDrive }
        $r.Error.FullyQualifiedErrorId | Should -Match '^RunNotFound'
    }
}

Describe 'Measure-JomaTokenAttention | Compare-JomaAttentionPrediction on a trained planted model' {
    BeforeAll {
        $script:corpus = New-JomaPlantedCorpus -Path (Join-Path $TestDrive 'planted') -Sequences 2000 -ValidationSequences 100 -Seed 5
        $script:run = Join-Path $TestDrive 'run'
        $null = Start-JomaTraining -Corpus $corpus.Path -Layers 1 -ModelDimension 32 -FeedForwardDimension 32 -LearningRate 3e-3 -MaxSteps 60 -EvaluateEvery 20 -KeepEvery 20 -OutputDirectory $run -Device Cpu
        $script:stats = Measure-JomaCorpusStatistics -RunPath $run -Query q0, q1, q2, q3 -Contexts 12 -Bootstrap 0
        $script:prediction = $stats | Invoke-JomaDynamics
        $script:observed = Measure-JomaTokenAttention -Path $run -Statistics $stats
    }

    It 'measures every checkpoint, and each query''s shares cover its context' {
        ($observed | Select-Object -ExpandProperty Step -Unique) | Should -Be @(0, 20, 40, 60)
        foreach ($group in $observed | Group-Object Step, Query) {
            ($group.Group | Measure-Object Share -Sum).Sum | Should -BeGreaterThan 0.999999
            ($group.Group | Measure-Object Share -Sum).Sum | Should -BeLessThan 1.000001
            ($group.Group | Measure-Object UniformShare -Sum).Sum | Should -BeGreaterThan 0.999999
        }
        $observed[0] | Should -BeOfType ([JoMA.Engine.Theory.TokenAttention])
    }

    It 'scores the theory and every baseline per step, with paired verdicts, and nothing is NaN' {
        $scores = $observed | Compare-JomaAttentionPrediction -Statistics $stats -Prediction $prediction -Bootstrap 100
        $m1 = $scores | Where-Object { $_.Metric -eq 'M1' -and $_.Step -eq 60 }
        ($m1.Predictor | Sort-Object) | Should -Be @('CoOccurrence', 'Null', 'Pmi', 'QueryFree', 'Recency', 'Theory', 'Unigram')
        foreach ($s in $scores) {
            [double]::IsFinite($s.Median) | Should -BeTrue
            $s.Median | Should -BeGreaterOrEqual -1
            $s.Median | Should -BeLessOrEqual 1
            $s.Low | Should -BeLessOrEqual $s.High
        }
        ($m1 | Where-Object Predictor -ne 'Theory').TheoryBeats | ForEach-Object { $_ | Should -BeOfType ([bool]) }
        $series = ($scores | Where-Object { $null -eq $_.Step }).Metric | Sort-Object -Unique
        $series | Should -Contain 'M4'
        $series | ForEach-Object { $_ | Should -BeIn 'M4', 'M6' }   # M6 needs predicted entropy-minimum times that differ across queries
    }

    It 'scores plot as one line per predictor against step' {
        $png = Join-Path $TestDrive 'm1.png'
        $observed | Compare-JomaAttentionPrediction -Statistics $stats -Prediction $prediction -Bootstrap 50 |
            Where-Object { $_.Metric -eq 'M1' -and $null -ne $_.Step } | Export-JomaPlot $png -Metric Median
        (Get-Item $png).Length | Should -BeGreaterThan 10kb
    }

    It 'refuses statistics counted on another vocabulary' {
        $other = Measure-JomaCorpusStatistics -Corpus $tiny -Query the -Contexts 3 -MinCount 5 -Bootstrap 0
        $r = Get-ErrorOf { Measure-JomaTokenAttention -Path $run -Statistics $other }
        $r.Error.FullyQualifiedErrorId | Should -Match '^VocabularyMismatch'
        $r.Error.CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'The published planted finding (docs/results/theory-planted) reproduces' {
    BeforeAll {
        # The example's default mode: planted corpus seed 1, a 1-layer d = 64 model, 1,000 steps (CPU, 1-2 minutes).
        $script:out = Join-Path $TestDrive 'theory'
        $null = & (Join-Path $PSScriptRoot '../../examples/theory-meets-practice.ps1') -OutputDirectory $out -Bootstrap 500
        $script:scores = Import-Csv (Join-Path $out 'scores.csv')
        $script:observed = Import-Csv (Join-Path $out 'observed.csv')
        $script:m1 = { param($step, $predictor) $scores | Where-Object { $_.Metric -eq 'M1' -and $_.Step -eq "$step" -and $_.Predictor -eq $predictor } }
    }

    It 'at the sparsest step the theory correlates with the observed shares and beats co-occurrence and frequency, but PMI does better' {
        $sparsest = $observed | Group-Object Step | Sort-Object { [double]$_.Group[0].QueryEntropy } | Select-Object -First 1
        $step = [long]$sparsest.Name
        $step | Should -Be 600
        $theory = & $m1 $step Theory
        [double]$theory.Low | Should -BeGreaterThan 0
        foreach ($baseline in 'CoOccurrence', 'Unigram') {
            $row = & $m1 $step $baseline
            [double]$row.Median | Should -BeLessThan 0
            $row.TheoryBeats | Should -Be 'True'
        }
        [double](& $m1 $step Pmi).Median | Should -BeGreaterThan ([double]$theory.Median)
    }

    It 'the query rows attend to themselves, and the context attention goes to the query-common tokens' {
        $at600 = $observed | Where-Object Step -eq '600'
        ($at600 | Where-Object Token -eq '<rest>' | ForEach-Object { [double]$_.SelfMass } | Measure-Object -Minimum).Minimum | Should -BeGreaterThan 0.99
        $queryCommon = ($at600 | Where-Object Token -match '^c\d\d$' | ForEach-Object { [double]$_.Share } | Measure-Object -Sum).Sum / 4
        $distinct = ($at600 | Where-Object Token -match '^d\d\d\d$' | ForEach-Object { [double]$_.Share } | Measure-Object -Sum).Sum / 4
        $queryCommon | Should -BeGreaterThan (2 * $distinct)
    }

    It 'by the end the theory no longer matches' {
        [double](& $m1 1000 Theory).Median | Should -BeLessThan 0
    }
}
