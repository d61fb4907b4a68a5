BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    $script:mu = 1..10 | ForEach-Object { 1 + 3 * ($_ - 1) / 9 }
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Invoke-JomaDynamics' {
    It 'runs the Fig. 4 pipeline into a CSV that round-trips' {
        $csv = Join-Path $TestDrive 'fig4.csv'
        Invoke-JomaDynamics -System NonlinearSoftmax -Mu $mu -Temperature 3 -Until 100 -SampleInterval 0.5 |
            Measure-AttentionSparsity | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 201
        [double]$rows[0].Entropy | Should -BeLessOrEqual ([math]::Log(10))
        [double]$rows[0].Entropy | Should -BeGreaterThan ([math]::Log(10) - 1e-6)
        $min = $rows | Sort-Object { [double]$_.Entropy } | Select-Object -First 1
        [double]$min.Entropy | Should -BeGreaterOrEqual 0.5470
        [double]$min.Entropy | Should -BeLessThan 0.5520
        [double]$min.Time | Should -BeIn 12, 12.5, 13
        [double]$rows[-1].Entropy | Should -BeGreaterThan 1.1935
        [double]$rows[-1].Entropy | Should -BeLessThan 1.1955
        $rows[0].System | Should -Be 'NonlinearSoftmax'
    }

    It 'reproduces the authors'' Euler run with -RandomMu 10 -Seed 0' {
        $s = Invoke-JomaDynamics -System NonlinearSoftmax -RandomMu 10 -Seed 0 -Method Euler -StepSize 0.02 -Steps 5000 -SummaryOnly
        $s | Should -BeOfType ([JoMA.Engine.Dynamics.JomaDynamicsSummary])
        $s.MinEntropyStep | Should -Be 669
        $s.MinEntropy | Should -BeGreaterThan 0.94147
        $s.MinEntropy | Should -BeLessThan 0.94167
        $s.Mu.Count | Should -Be 10
        $s.Status | Should -Be 'Completed'
    }

    It 'finds the entropy minimum by root finding with the adaptive solver' {
        $s = Invoke-JomaDynamics -Mu $mu -Until 100 -RelativeTolerance 1e-8 -AbsoluteTolerance 1e-10 -SummaryOnly
        $s.MinEntropy | Should -BeGreaterThan 0.5470
        $s.MinEntropy | Should -BeLessThan 0.5490
        $s.MinEntropyTime | Should -BeGreaterThan 12.39
        $s.MinEntropyTime | Should -BeLessThan 12.49
        $s.AcceptedSteps | Should -BeGreaterThan 0
        $s.Evaluations | Should -BeGreaterThan (6 * $s.AcceptedSteps)
    }

    It 'solves a grid bound by property name, in input order' {
        $grid = foreach ($t in 0.5, 1, 2, 3, 4, 5, 6, 8) { [pscustomobject]@{ Mu = $mu; Temperature = $t } }
        $out = $grid | Invoke-JomaDynamics -SummaryOnly
        $out.Count | Should -Be 8
        $out.Index | Should -Be (0..7)
        $out.Temperature | Should -Be (0.5, 1, 2, 3, 4, 5, 6, 8)
        # Lower temperature: sharper attention at the minimum.
        $out[0].MinEntropy | Should -BeLessThan $out[7].MinEntropy
    }

    It 'takes systems from a YAML config, parameters overriding it' {
        $yaml = Join-Path $TestDrive 'euler.yaml'
        "system: NonlinearSoftmax`nrandom_mu: 10`nseed: 0`ntemperature: 3`nmethod: euler`nstep_size: 0.02`nsteps: 5000`n" | Set-Content $yaml
        (Invoke-JomaDynamics -ConfigPath $yaml -SummaryOnly).MinEntropyStep | Should -Be 669
        (Invoke-JomaDynamics -ConfigPath $yaml -Steps 100 -SummaryOnly).FinalTime | Should -Be 2
    }

    It 'reports the Linear blow-up with its time and no NaN' {
        $s = Invoke-JomaDynamics -System Linear -Delta 0.5, 1, 2 -A 1 -Until 10 -SummaryOnly
        $s.Status | Should -Be 'BlowUp'
        [math]::Abs($s.BlowUpTime - [math]::Sqrt([math]::PI / 2) / 2) | Should -BeLessThan 1e-4
        $s.FinalV | ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
    }

    It 'stops a long run promptly under Select-Object -First 3' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $first = Invoke-JomaDynamics -Mu $mu -Until 1e9 -MaxStep 1e-3 | Select-Object -First 3
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $first.Count | Should -Be 3
    }

    It 'stops when the pipeline is stopped (Ctrl-C)' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module JoMA).Path)'; Invoke-JomaDynamics -Mu 1,2,3 -Until 1e12 -MaxStep 1e-4 -SummaryOnly")
        $handle = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 500
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
    }

    Context 'bad input' {
        It '<Name> gives <Id> (<Category>) and writes nothing' -ForEach @(
            @{ Name = 'mu and initial value of different lengths'; Id = 'DimensionMismatch'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -Mu 1, 2, 3 -InitialValue 0.1, 0.2 } }
            @{ Name = 'a NaN target'; Id = 'NonFiniteInput'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -Mu 1, ([double]::NaN) } }
            @{ Name = 'an infinite initial value'; Id = 'NonFiniteInput'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -Mu 1, 2 -InitialValue ([double]::PositiveInfinity) } }
            @{ Name = 'T = 0'; Id = 'TemperatureNotPositive'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -Mu 1, 2 -Temperature 0 } }
            @{ Name = 'T < 0'; Id = 'TemperatureNotPositive'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -Mu 1, 2 -Temperature -1 } }
            @{ Name = 'Until = 0'; Id = 'UntilNotPositive'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -Mu 1, 2 -Until 0 } }
            @{ Name = 'Euler without a step'; Id = 'EulerStepSizeMissing'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -Mu 1, 2 -Method Euler -Steps 10 } }
            @{ Name = 'Linear without Delta'; Id = 'DeltaMissing'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -System Linear -Mu 1, 2 } }
            @{ Name = 'both -Mu and -RandomMu'; Id = 'MuAndRandomMu'; Category = 'InvalidArgument'; Run = { Invoke-JomaDynamics -Mu 1, 2 -RandomMu 3 } }
        ) {
            $r = Get-ErrorOf $Run
            $r.Output.Count | Should -Be 0
            $r.Error.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            $r.Error.CategoryInfo.Category | Should -Be $Category
            $r.Error.Exception.Message | Should -Not -BeNullOrEmpty
        }

        It 'rejects an unknown system at binding, naming the valid ones' {
            { Invoke-JomaDynamics -System Quadratic -Mu 1 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*NonlinearSoftmax*'
        }

        It 'rejects an unknown system in a config' {
            $yaml = Join-Path $TestDrive 'bad-system.yaml'
            "system: Quadratic`nmu: [1, 2]`n" | Set-Content $yaml
            $r = Get-ErrorOf { Invoke-JomaDynamics -ConfigPath $yaml }
            $r.Error.FullyQualifiedErrorId | Should -BeLike 'UnknownSystem,*'
        }

        It 'names the unknown key and its line in a config' {
            $yaml = Join-Path $TestDrive 'bad-key.yaml'
            "mu: [1, 2]`ntemprature: 3`n" | Set-Content $yaml
            $e = { Invoke-JomaDynamics -ConfigPath $yaml } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -BeLike 'ConfigUnknownKey,*'
            $e.Exception.Message | Should -Match "temprature"
            $e.Exception.Message | Should -Match 'line 2'
        }

        It 'reports malformed YAML' {
            $yaml = Join-Path $TestDrive 'malformed.yaml'
            "mu: [1, 2`nsystem: x`n" | Set-Content $yaml
            $e = { Invoke-JomaDynamics -ConfigPath $yaml } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -BeLike 'ConfigMalformed,*'
        }

        It 'reports a missing config file' {
            $e = { Invoke-JomaDynamics -ConfigPath (Join-Path $TestDrive 'none.yaml') } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -BeLike 'ConfigNotFound,*'
            $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'reports a bad system in a grid and solves the others' {
            $grid = @([pscustomobject]@{ Mu = 1, 2 }, [pscustomobject]@{ Mu = 1, 2; Temperature = -1 }, [pscustomobject]@{ Mu = 3, 4 })
            $r = Get-ErrorOf { $grid | Invoke-JomaDynamics -SummaryOnly }
            $r.Output.Count | Should -Be 2
            $r.Error.FullyQualifiedErrorId | Should -BeLike 'TemperatureNotPositive,*'
        }
    }
}

Describe 'Invoke-JomaJointDynamics' {
    It 'keeps NC(z, z_hat) >= 0.95 over 2000 steps and round-trips through CSV' {
        $csv = Join-Path $TestDrive 'invariant.csv'
        Invoke-JomaJointDynamics -Variant Gaussian -Steps 2000 -SampleInterval 10 | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 201
        $rows | ForEach-Object { [double]$_.Correlation | Should -BeGreaterOrEqual 0.95 }
        [double]$rows[-1].CorrelationSquaredTerm | Should -BeGreaterOrEqual 0.9
        [double]$rows[-1].Loss | Should -BeLessThan ([double]$rows[0].Loss)
    }

    It 'carries z, z_hat and V with -IncludeState' {
        $s = Invoke-JomaJointDynamics -Steps 10 -SampleInterval 10 -IncludeState | Select-Object -Last 1
        $s.Z.Count | Should -Be 20
        $s.ZPredicted.Count | Should -Be 20
        $s.V.GetLength(0) | Should -Be 20
        $s.V.GetLength(1) | Should -Be 20
    }

    It 'rejects an embedding too small for orthonormal tokens' {
        $e = { Invoke-JomaJointDynamics -EmbeddingDimension 10 } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'EmbeddingTooSmall,*'
    }
}

Describe 'Measure-AttentionSparsity' {
    It 'computes the statistics of a hand-made distribution' {
        $r = [pscustomobject]@{ Source = 'hand'; Step = 7; Attention = 0.7, 0.2, 0.1 } | Measure-AttentionSparsity
        $expected = -(0.7 * [math]::Log(0.7 + 1e-8) + 0.2 * [math]::Log(0.2 + 1e-8) + 0.1 * [math]::Log(0.1 + 1e-8))
        $r.Entropy | Should -BeGreaterThan ($expected - 1e-12)
        $r.Entropy | Should -BeLessThan ($expected + 1e-12)
        $r.MaxEntropy | Should -Be ([math]::Log(3))
        $r.TopMass | Should -Be 0.7
        $r.EffectiveSupport | Should -BeGreaterThan ([math]::Exp($expected) - 1e-9)
        $r.Source | Should -Be 'hand'
        $r.Step | Should -Be 7
        $r.Head | Should -Be -1
    }

    It 'refuses rows that are not distributions and continues with the next' {
        $inputs = @(
            [pscustomobject]@{ Step = 1; Attention = 0.5, 0.5 }
            [pscustomobject]@{ Step = 2; Attention = 2.0, -1.0, 3.0 }
            [pscustomobject]@{ Step = 3; Attention = 1.0, 0.0 }
        )
        $errors = $null
        $out = $inputs | Measure-AttentionSparsity -ErrorVariable errors -ErrorAction SilentlyContinue
        $out.Step | Should -Be 1, 3
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AttentionNotNormalized,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'refuses objects without attention' {
        $errors = $null
        [pscustomobject]@{ Step = 1 } | Measure-AttentionSparsity -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AttentionMissing,*'
    }
}
