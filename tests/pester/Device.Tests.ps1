BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:corpus = Join-Path $PSScriptRoot '../data/tiny-wikitext'
    $script:fixture = Join-Path $PSScriptRoot '../../../shared/fixtures/hf-reference/gpt_neox_tiny'
    $script:hasGpu = (Get-JomaDevice).CudaAvailable
    # The device bundle (tools/device/pack.sh), when this checkout has one: its fast checks run; bench/device/run.sh runs it all.
    $script:bundle = Join-Path $PSScriptRoot '../../out/device/bundle/bin/joma-device-check'
    $script:cpuTorch = Join-Path $PSScriptRoot '../../out/JoMA'   # the module's own CPU libtorch 2.10
}

Describe '-Device Cuda without a GPU' {
    It 'Start-JomaTraining stops with CudaUnavailable, saying what to do' {
        if ($hasGpu) { Set-ItResult -Skipped -Because 'this machine has a GPU'; return }
        $e = {
            Start-JomaTraining -TrainPath (Join-Path $corpus 'wiki.valid.tokens') -ValidationPath (Join-Path $corpus 'wiki.test.tokens') `
                -ModelDimension 16 -FeedForwardDimension 16 -Layers 1 -MaxSteps 1 -Device Cuda
        } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'CudaUnavailable,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $e.Exception.Message | Should -BeLike 'CUDA was requested*CPU-only build*-Device Cpu*JOMA_LIBTORCH_DIR*'
    }

    It 'Get-JomaAttention writes CudaUnavailable, saying what to do' {
        if ($hasGpu) { Set-ItResult -Skipped -Because 'this machine has a GPU'; return }
        $c = Import-JomaCheckpoint -Path $fixture
        $r = Get-ErrorOf { Get-JomaAttention -Checkpoint $c -TokenId 1, 2, 3 -Device Cuda } -IncludeTerminating
        $r.Output | Should -BeNullOrEmpty
        $r.Error.FullyQualifiedErrorId | Should -BeLike 'CudaUnavailable,*'
        $r.Error.Exception.Message | Should -BeLike '*JOMA_LIBTORCH_DIR*'
    }

    It 'Get-JomaAttention -Device Auto falls back to the CPU' {
        $c = Import-JomaCheckpoint -Path $fixture
        $s = Get-JomaAttention -Checkpoint $c -TokenId 1, 2, 3 -Device Auto -ReduceOnly
        $s.Length | Should -Be 3
    }
}

Describe 'Device bundle (fast checks; bench/device/run.sh runs the bundle end to end)' {
    It 'runs from the bundle alone and refuses --device cuda with exit 2 and CudaUnavailable' {
        $bundle | Should -Exist -Because 'test.ps1 packs the device bundle (tools/device/pack.sh) before the Pester tests'
        if ($hasGpu) { Set-ItResult -Skipped -Because 'this machine has a GPU'; return }
        $json = Join-Path $TestDrive 'cuda.json'
        $oldTorch = $env:JOMA_LIBTORCH_DIR; $env:JOMA_LIBTORCH_DIR = (Resolve-Path $cpuTorch).Path
        $oldPath = $env:PATH; $env:PATH = $TestDrive   # no dotnet reachable
        try {
            $stderr = & $bundle extract --device cuda --shape tiny --checkpoint (Join-Path $TestDrive 'tiny') --out $json 2>&1
            $code = $LASTEXITCODE
            & $bundle info --out (Join-Path $TestDrive 'info.json') 2>&1 | Out-Null
            $infoCode = $LASTEXITCODE
            & $bundle train --device gpu 2>&1 | Out-Null
            $usageCode = $LASTEXITCODE
        }
        finally { $env:PATH = $oldPath; $env:JOMA_LIBTORCH_DIR = $oldTorch }
        $code | Should -Be 2
        "$stderr" | Should -BeLike '*error CudaUnavailable: CUDA was requested*'
        $r = Get-Content $json -Raw | ConvertFrom-Json
        $r.ok | Should -BeFalse
        $r.error_id | Should -Be 'CudaUnavailable'
        $infoCode | Should -Be 0
        $info = Get-Content (Join-Path $TestDrive 'info.json') -Raw | ConvertFrom-Json
        $info.torch_version | Should -BeLike '2.10*'
        $info.cuda_available | Should -BeFalse
        $usageCode | Should -Be 64
    }
}
