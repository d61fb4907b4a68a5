BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:fixture = Join-Path $PSScriptRoot '../../../shared/fixtures/hf-reference/gpt_neox_tiny'
    $script:tiny = Join-Path $PSScriptRoot '../data/tiny-wikitext'
    $random = [System.Random]::new(5)
    $script:ids = [int[]](1..200 | ForEach-Object { (3, 5, 7, 11, 13, 17)[[Math]::Min($random.Next(8), 5)] })
}

Describe 'Measure-JomaCorpusStatistics -Checkpoint | Measure-JomaTokenAttention -Checkpoint' {
    BeforeAll {
        $script:c = Import-JomaCheckpoint -Path $fixture
        $script:stats = Measure-JomaCorpusStatistics -Checkpoint $c -TokenIds $ids -WindowLength 16 -Query '#3', '#5' -Contexts 3 -MinCount 1 -Bootstrap 0
    }

    It 'counts the checkpoint''s windows as one column of the window length, tokens named by id' {
        $stats.Count | Should -Be 8
        $stats | ForEach-Object { $_.VocabularySize | Should -Be 128; $_.Bptt | Should -Be 16; $_.BatchSize | Should -Be 1 }
        ($stats | Where-Object Token -ne '<rest>').Token | Should -Match '^#\d+$'
    }

    It 'measures the shares from the checkpoint''s forward, with the statistics'' window length, piped statistics or piped checkpoints' {
        $rows = $stats | Measure-JomaTokenAttention -Checkpoint $c -TokenIds $ids -Layer 1 -PerHead
        $rows.Count | Should -Be (8 * 5)
        foreach ($g in $rows | Group-Object Head, Query) { ($g.Group | Measure-Object Share -Sum).Sum | Should -BeGreaterThan (1 - 1e-9) }
        $rows | ForEach-Object { $_.Step | Should -Be 0; $_.Layer | Should -Be 1 }
        $again = $c | Measure-JomaTokenAttention -Statistics $stats -TokenIds $ids -Layer 1 -PerHead
        ($again | ForEach-Object Share) | Should -Be ($rows | ForEach-Object Share)
    }

    It 'refuses text without a tokenizer, and statistics of another vocabulary' {
        $text = Join-Path $TestDrive 'text.txt'
        Set-Content $text 'hello world'
        $r = Get-ErrorOf { Measure-JomaCorpusStatistics -Checkpoint $c -Path $text -WindowLength 16 }
        $r.Error.FullyQualifiedErrorId | Should -Match '^TokenizerMissing'
        $other = Measure-JomaCorpusStatistics -Corpus $tiny -Query the -Contexts 3 -MinCount 5 -Bootstrap 0
        $r = Get-ErrorOf { Measure-JomaTokenAttention -Checkpoint $c -TokenIds $ids -Statistics $other }
        $r.Error.FullyQualifiedErrorId | Should -Match '^VocabularyMismatch'
    }
}
