# Every paper-artefact example runs in its CPU-sized (smoke) form and writes its CSV and PNG.
BeforeDiscovery {
    $script:examples = @(
        @{ Script = 'fig2-invariant.ps1'; Arguments = @{ Steps = 200 }; Files = 'fig2-gaussian.csv', 'fig2-gaussian.png', 'fig2-random.png' }
        @{ Script = 'fig3-components.ps1'; Arguments = @{ Steps = 200 }; Files = 'fig3-components.csv', 'fig3-matrix.png' }
        @{ Script = 'fig4-dynamics.ps1'; Arguments = @{ }; Files = 'fig4-entropy.csv', 'fig4-entropy.png', 'fig4-v.png' }
        @{ Script = 'fig6-entropy-by-depth.ps1'; Arguments = @{ MaxSteps = 20 }; Files = 'fig6-entropy.csv', 'fig6-entropy.png' }
        @{ Script = 'fig8-learning-rates.ps1'; Arguments = @{ MaxSteps = 20; LearningRate = 1e-3, 1e-2 }; Files = 'fig8-entropy.csv', 'fig8-entropy.png' }
        @{ Script = 'theory-meets-practice.ps1'; Arguments = @{ Sequences = 2000; MaxSteps = 60; Bootstrap = 100 }; Files = 'statistics.csv', 'prediction.csv', 'observed.csv', 'scores.csv', 'theory-m1.png', 'theory-zeta.png' }
        @{ Script = 'pretrained-checkpoints.ps1'; Arguments = @{ }; Files = 'pretrained-entropy.csv', 'pretrained-stable-rank.csv', 'pretrained-entropy.png' }
    )
}

Describe 'Example <Script>' -ForEach $examples {
    It 'writes its CSV and PNG' {
        $out = Join-Path $TestDrive ($Script -replace '\.ps1$', '')
        $arguments = $Arguments.Clone(); $arguments.OutputDirectory = $out
        $null = & (Join-Path $PSScriptRoot '../../examples' $Script) @arguments
        foreach ($file in $Files) {
            $path = Join-Path $out $file
            $path | Should -Exist
            if ($file -like '*.csv') { @(Import-Csv $path).Count | Should -BeGreaterThan 0 }
            if ($file -like '*.png') {
                $bytes = [IO.File]::ReadAllBytes($path)
                $bytes[1..3] | Should -Be ([byte[]][char[]]'PNG')           # PNG signature
                $bytes.Length | Should -BeGreaterThan 5000                 # a drawn figure, not an empty canvas
            }
        }
    }
}
