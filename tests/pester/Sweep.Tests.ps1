BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    $script:corpus = Join-Path $PSScriptRoot '../data/tiny-wikitext'
    # A CPU-sized one-layer model; trials of 20 steps train in seconds (most of their time is process start).
    $script:config = New-JomaConfig -TrainPath (Join-Path $corpus 'wiki.valid.tokens') -ValidationPath (Join-Path $corpus 'wiki.test.tokens') `
        -ModelDimension 16 -FeedForwardDimension 32 -Heads 2 -Layers 1 -LearningRate 5e-3 -Device Cpu -MaxSteps 20 -EvaluateEvery 10
    $script:grid = [ordered]@{ 'optimizer.lr' = 1e-3, 5e-3; seed = 1, 2 }
    function script:Steps($path) { (Get-Content $path | ConvertFrom-Json).Step }
}

Describe 'Start-JomaSweep, local processes' {
    It 'runs a 2x2 grid, streams snapshots tagged with grid values, and a second run does no work' {
        $sweep = Join-Path $TestDrive 'local'
        $out = $config | Start-JomaSweep -Grid $grid -OutputDirectory $sweep -ThrottleLimit 2
        $out.Count | Should -Be 12
        $out[0] | Should -BeOfType ([JoMA.Engine.Sweeps.JomaSweepSnapshot])
        ($out.Trial | Sort-Object -Unique).Count | Should -Be 4
        foreach ($s in $out) { $s.'optimizer.lr' | Should -Be $s.Values['optimizer.lr']; $s.seed | Should -BeIn 1, 2 }
        ($out | Where-Object { $_.'optimizer.lr' -eq 5e-3 -and $_.seed -eq 2 }).Step | Should -Be 0, 10, 20

        $trial = Get-JomaSweep $sweep | Where-Object { $_.'optimizer.lr' -eq 1e-3 -and $_.seed -eq 1 }
        $trial.State | Should -Be Done
        $trial.Step | Should -Be 20
        $resolved = Import-JomaConfig (Join-Path $trial.Path 'config.yaml')
        $resolved.Optimizer.Lr | Should -Be 1e-3
        $resolved.Seed | Should -Be 1
        $resolved.Training.OutputDirectory | Should -Be $trial.Path

        $logs = Get-ChildItem "$sweep/trials/*/trial.log" | ForEach-Object { (Get-Content $_).Count }
        $again = $config | Start-JomaSweep -Grid $grid -OutputDirectory $sweep -Verbose 4>&1
        $verbose = $again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match '4 trial\(s\) need no work; 0 to run'
        ($verbose.Message -join "`n") | Should -Not -Match 'Started trial'
        ($again | Where-Object { $_ -is [JoMA.Engine.Sweeps.JomaSweepSnapshot] }).Count | Should -Be 12
        Get-ChildItem "$sweep/trials/*/trial.log" | ForEach-Object { (Get-Content $_).Count } | Should -Be $logs
    }

    It 'resumes a trial whose process was killed mid-run' {
        $sweep = Join-Path $TestDrive 'killed'
        $long = $config.Clone(); $long.Training.MaxSteps = 100
        $victim = $null
        $first = $long | Start-JomaSweep -Grid @{ seed = 1, 2 } -OutputDirectory $sweep -ThrottleLimit 2 -ErrorVariable failures -ErrorAction SilentlyContinue | ForEach-Object {
            if (-not $victim -and $_.Step -eq 10) {
                $victim = $_.Trial
                Stop-Process -Id (Get-Content "$sweep/trials/$victim/process.json" | ConvertFrom-Json).Pid -Force
            }
            $_
        }
        $victim | Should -Not -BeNullOrEmpty
        $failures.FullyQualifiedErrorId | Should -BeLike 'TrialFailed*'
        (Get-JomaSweep $sweep | Where-Object Trial -eq $victim).State | Should -Be Interrupted
        ($first | Where-Object Trial -ne $victim).Step[-1] | Should -Be 100

        $second = $long | Start-JomaSweep -Grid @{ seed = 1, 2 } -OutputDirectory $sweep
        ($second | Where-Object Trial -eq $victim).Step | Should -Be (0..10 | ForEach-Object { $_ * 10 })
        Get-Content "$sweep/trials/$victim/trial.log" -Raw | Should -Match 'Resumed from .*step-000000[1-9]0'
        Steps "$sweep/trials/$victim/metrics.jsonl" | Should -Be (0..10 | ForEach-Object { $_ * 10 })
        (Get-JomaSweep $sweep).State | Should -Be Done, Done
    }

    It 'rejects an unknown grid key before writing anything' {
        $sweep = Join-Path $TestDrive 'bad-key'
        { $config | Start-JomaSweep -Grid @{ 'optimizer.learning_rat' = 1e-3 } -OutputDirectory $sweep -ErrorAction Stop } |
            Should -Throw -ErrorId 'SweepUnknownKey,JoMA.PowerShell.StartJomaSweepCommand' -ExpectedMessage "*optimizer.learning_rat*optimizer.lr*"
        Test-Path $sweep | Should -BeFalse
    }

    It 'rejects an empty grid' {
        { $config | Start-JomaSweep -Grid @{} -OutputDirectory (Join-Path $TestDrive 'empty') -ErrorAction Stop } | Should -Throw -ErrorId 'SweepGridEmpty,JoMA.PowerShell.StartJomaSweepCommand'
        { $config | Start-JomaSweep -Grid @{ seed = @() } -OutputDirectory (Join-Path $TestDrive 'empty') -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'seed' has no values*"
    }

    It 'takes the grid from the config file''s sweep: section' {
        $file = Join-Path $TestDrive 'sweep.yaml'
        $config | Export-JomaConfig -Path $file
        Add-Content $file "sweep:`n  grid:`n    model.layers: [1, 2]`n  points:`n    - { seed: 3 }"
        $out = Start-JomaSweep -ConfigPath $file -OutputDirectory (Join-Path $TestDrive 'from-file') -WhatIf
        $out | Should -BeNullOrEmpty
        Test-Path (Join-Path $TestDrive 'from-file') | Should -BeFalse
        { Start-JomaSweep -ConfigPath $file -Grid @{ nope = 1 } -OutputDirectory (Join-Path $TestDrive 'from-file') -ErrorAction Stop } | Should -Throw -ErrorId 'SweepUnknownKey*'
    }
}

Describe 'Start-JomaSweep -Scheduler Slurm (a real one-node cluster)' {
    BeforeAll {
        # test.ps1 starts the cluster (tools/slurm/Start-TestCluster.sh); these tests need it and say so.
        $state = if (Get-Command sinfo -ErrorAction Ignore) { sinfo -h -o '%T' 2>&1 } else { 'sinfo not installed' }
        if ("$state" -notmatch 'idle|mixed|allocated') {
            throw "No Slurm test cluster here (sinfo: $state). Start it with: sudo tools/slurm/Start-TestCluster.sh"
        }
    }

    It 'submits a 2x2 grid as one job array and streams its results back' {
        $sweep = Join-Path $TestDrive 'slurm'
        $out = $config | Start-JomaSweep -Grid $grid -OutputDirectory $sweep -Scheduler Slurm -ThrottleLimit 2 -CpusPerTrial 1 -TimeLimit 00:10:00
        $out.Count | Should -Be 12
        ($out | Where-Object { $_.'optimizer.lr' -eq 5e-3 -and $_.seed -eq 1 }).Step | Should -Be 0, 10, 20
        @(Get-Content "$sweep/slurm-jobs.txt").Count | Should -Be 1
        $job = Get-Content "$sweep/slurm-jobs.txt"
        Get-Content "$sweep/sweep.sbatch" -Raw | Should -Match '#SBATCH --cpus-per-task=1'
        $rows = Get-JomaSweep $sweep
        $rows.State | Should -Be Done, Done, Done, Done
        ($rows.SlurmJob | Sort-Object) | Should -Be ("${job}_0", "${job}_1", "${job}_2", "${job}_3")
        Get-Content "$($rows[0].Path)/trial.log" -Raw | Should -Match "Slurm job ${job}_"
    }

    It 'reports a failed trial with its log tail, and -Retry Failed runs it again' {
        $sweep = Join-Path $TestDrive 'slurm-retry'
        $late = Join-Path $TestDrive 'late/wiki.valid.tokens'   # data not copied yet
        $paths = (Join-Path $corpus 'wiki.valid.tokens'), $late
        $out = $config | Start-JomaSweep -Grid @{ 'data.train_path' = $paths } -OutputDirectory $sweep -Scheduler Slurm -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TrialFailed*'
        $failures[0].Exception.Message | Should -Match 'late'
        $failed = Get-JomaSweep $sweep | Where-Object State -eq Failed
        $failed.'data.train_path' | Should -Be $late
        $failed.LogTail | Should -Match 'ERROR'

        $null = New-Item -ItemType Directory (Split-Path $late)
        Copy-Item (Join-Path $corpus 'wiki.valid.tokens') $late
        $retry = $config | Start-JomaSweep -Grid @{ 'data.train_path' = $paths } -OutputDirectory $sweep -Scheduler Slurm -Retry Failed
        ($retry | Where-Object Trial -eq $failed.Trial).Step | Should -Be 0, 10, 20
        (Get-JomaSweep $sweep).State | Should -Be Done, Done
        @(Get-Content "$sweep/slurm-jobs.txt").Count | Should -Be 2
    }

    It 'names the controller when Slurm does not answer' {
        $bad = Join-Path $TestDrive 'unreachable.conf'
        (Get-Content /etc/slurm/slurm.conf) -replace '^SlurmctldHost=.*', "SlurmctldHost=localhost`nSlurmctldPort=9" | Set-Content $bad
        $saved = $env:SLURM_CONF
        try {
            $env:SLURM_CONF = $bad
            { $config | Start-JomaSweep -Grid $grid -OutputDirectory (Join-Path $TestDrive 'down') -Scheduler Slurm -ErrorAction Stop } |
                Should -Throw -ErrorId 'SlurmControllerUnreachable*' -ExpectedMessage '*controller*slurmctld*'
        }
        finally { $env:SLURM_CONF = $saved }
        Test-Path (Join-Path $TestDrive 'down') | Should -BeFalse
    }

    It 'names sbatch when Slurm is not installed' {
        $saved = $env:PATH
        try {
            $env:PATH = '/nonexistent'
            { $config | Start-JomaSweep -Grid $grid -OutputDirectory (Join-Path $TestDrive 'none') -Scheduler Slurm -ErrorAction Stop } |
                Should -Throw -ErrorId 'SlurmNotFound*' -ExpectedMessage '*sbatch*'
        }
        finally { $env:PATH = $saved }
    }
}
