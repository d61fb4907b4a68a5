BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # Size, share of drawn pixels, distinct strong hues, and dark (text) pixels in the title band of a PNG.
    function Get-PngStatistics([string] $path) {
        $bytes = [System.IO.File]::ReadAllBytes($path)
        [byte[]]$bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        $bitmap = [SkiaSharp.SKBitmap]::Decode($bytes)
        try {
            $ink = 0; $titleDark = 0; $hues = [System.Collections.Generic.HashSet[int]]::new()
            $titleRows = [math]::Max(1, [int]($bitmap.Height * 0.08))
            # Every third pixel each way: plenty for statistics, quick in PowerShell.
            for ($y = 0; $y -lt $bitmap.Height; $y += 3) {
                for ($x = 0; $x -lt $bitmap.Width; $x += 3) {
                    $c = $bitmap.GetPixel($x, $y)
                    if ($c.Red -lt 235 -or $c.Green -lt 235 -or $c.Blue -lt 235) { $ink++ }
                    $h = 0.0; $s = 0.0; $v = 0.0; $c.ToHsv([ref]$h, [ref]$s, [ref]$v)
                    if ($s -gt 50 -and $v -gt 30) { $null = $hues.Add([int][math]::Floor($h / 30)) }
                    if ($y -lt $titleRows -and $c.Red -lt 100 -and $c.Green -lt 100 -and $c.Blue -lt 100) { $titleDark++ }
                }
            }
            $samples = [math]::Ceiling($bitmap.Height / 3) * [math]::Ceiling($bitmap.Width / 3)
            [pscustomobject]@{ Width = $bitmap.Width; Height = $bitmap.Height; Ink = $ink / $samples; Hues = $hues.Count; TitleDark = $titleDark }
        }
        finally { $bitmap.Dispose() }
    }
    function New-AttentionSample {
        $tokens = [string[]]('the', 'cat', 'sat', 'on', 'the', 'mat')
        $n = $tokens.Count
        $p = [float[]]::new(2 * $n * $n)
        foreach ($h in 0, 1) {
            foreach ($q in 0..($n - 1)) {
                $weights = foreach ($k in 0..$q) { [math]::Exp(($h + 1) * ($k - $q)) }
                $total = ($weights | Measure-Object -Sum).Sum
                foreach ($k in 0..$q) { $p[($h * $n + $q) * $n + $k] = $weights[$k] / $total }
            }
        }
        [JoMA.Engine.Metrics.AttentionSample]@{
            Run = 'probe'; Step = 300; Heads = 2; Length = $n; Layers = [int[]]@(0); Tokens = $tokens
            TokenIds = [int[]]::new($n); Probabilities = [float[][]]@(, $p)
        }
    }
}

Describe 'Export-JomaPlot' {
    It 'draws the Fig. 4 entropy trajectory from Invoke-JomaDynamics' {
        $png = Join-Path $TestDrive 'fig4.png'
        $file = Invoke-JomaDynamics -System NonlinearSoftmax -Mu (1..10) -Temperature 3 -Until 100 -SampleInterval 0.5 | Export-JomaPlot $png -PassThru
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be $png
        $s = Get-PngStatistics $png
        $s.Width | Should -Be 800
        $s.Height | Should -Be 500
        $s.Ink | Should -BeGreaterThan 0.02
        $s.Hues | Should -BeGreaterOrEqual 1
        $s.TitleDark | Should -BeGreaterThan 5 -Because 'the title must render as text'
    }

    It 'draws V of the joint toy at steps 0 and 2000 side by side (Fig. 3)' {
        $png = Join-Path $TestDrive 'fig3.png'
        Invoke-JomaJointDynamics -IncludeState -SampleInterval 1000 | Export-JomaPlot -Kind Matrix -Step 0, 2000 $png -Width 1000 -Height 450
        $s = Get-PngStatistics $png
        $s.Width | Should -Be 1000
        $s.Height | Should -Be 450
        $s.Ink | Should -BeGreaterThan 0.1
        $s.Hues | Should -BeGreaterOrEqual 2
    }

    It 'draws correlation vs step with one coloured line per term, grouped into panels by seed' {
        $png = Join-Path $TestDrive 'fig2.png'
        0, 1 | ForEach-Object { Invoke-JomaJointDynamics -Steps 200 -SampleInterval 10 -Seed $_ } |
            Export-JomaPlot $png -Metric Correlation, CorrelationSquaredTerm, CorrelationMeanTerm -GroupBy Seed -Width 1200
        $s = Get-PngStatistics $png
        $s.Width | Should -Be 1200
        $s.Hues | Should -BeGreaterOrEqual 3
    }

    It 'draws an attention map with token labels (PNG and SVG)' {
        $sample = New-AttentionSample
        $png = Join-Path $TestDrive 'map.png'
        $sample | Export-JomaPlot $png -Head 1 -Width 600 -Height 600
        $s = Get-PngStatistics $png
        $s.Width | Should -Be 600
        $s.Ink | Should -BeGreaterThan 0.2
        $s.Hues | Should -BeGreaterOrEqual 2
        $svgPath = Join-Path $TestDrive 'map.svg'
        $sample | Export-JomaPlot $svgPath -Title 'Probe attention'
        $svg = [xml](Get-Content $svgPath -Raw)
        $svg.svg.width | Should -Be '800'
        $svg.svg.height | Should -Be '500'
        $text = ($svg.SelectNodes('//*[local-name()="text"]') | ForEach-Object InnerText) -join ' '
        $text | Should -Match 'Probe attention'
        $text | Should -Match 'mat'
        $svg.SelectNodes('//*[local-name()="path"]').Count | Should -BeGreaterThan 0
    }

    It 'refuses to overwrite without -Force, and overwrites with it' {
        $png = Join-Path $TestDrive 'exists.png'
        Set-Content $png 'not an image'
        $e = (Get-ErrorOf -IncludeTerminating { New-AttentionSample | Export-JomaPlot $png }).Error
        $e.FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        Get-Content $png | Should -Be 'not an image'
        New-AttentionSample | Export-JomaPlot $png -Force
        (Get-PngStatistics $png).Width | Should -Be 800
    }

    It 'writes nothing with -WhatIf' {
        $png = Join-Path $TestDrive 'whatif.png'
        New-AttentionSample | Export-JomaPlot $png -WhatIf
        Test-Path $png | Should -BeFalse
        @(Get-ChildItem $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'says what to pipe when the input is empty or cannot be drawn' {
        $empty = (Get-ErrorOf -IncludeTerminating { @() | Export-JomaPlot (Join-Path $TestDrive 'empty.png') }).Error
        $empty.FullyQualifiedErrorId | Should -BeLike 'PlotInputEmpty,*'
        $empty.Exception.Message | Should -Match 'Pipe Invoke-JomaDynamics'
        $wrong = (Get-ErrorOf -IncludeTerminating { Get-Date | Export-JomaPlot (Join-Path $TestDrive 'date.png') }).Error
        $wrong.FullyQualifiedErrorId | Should -BeLike 'PlotInputUnsupported,*'
        $wrong.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path (Join-Path $TestDrive 'date.png') | Should -BeFalse
    }

    It 'resolves -Path against the PowerShell location' {
        Push-Location $TestDrive
        try {
            New-AttentionSample | Export-JomaPlot 'relative.svg'
            Test-Path (Join-Path $TestDrive 'relative.svg') | Should -BeTrue
        }
        finally { Pop-Location }
    }
}
