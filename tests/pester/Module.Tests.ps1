BeforeDiscovery {
    # Every cmdlet the manifest exports gets the same checks.
    $script:cmdlets = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../module/JoMA.psd1')).CmdletsToExport
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    $script:expected = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../module/JoMA.psd1')).CmdletsToExport
}

Describe 'The JoMA module' {
    It 'exports exactly its cmdlets' {
        (Get-Command -Module JoMA).Name | Sort-Object | Should -Be ($expected | Sort-Object)
    }

    It '<_> declares an OutputType with a table or list view' -ForEach $cmdlets {
        $types = (Get-Command $_).OutputType.Type
        $types | Should -Not -BeNullOrEmpty
        foreach ($t in $types) { Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty }
    }

    It '<_> has full help: synopsis, description, every parameter, two examples' -ForEach $cmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$_ *[<CommonParameters>]*"
        $help.description.Text | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters
        foreach ($p in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }) {
            (Get-Help $_ -Parameter $p).description.Text | Should -Not -BeNullOrEmpty -Because "-$p needs a description"
        }
    }

    It 'ships the about topics' {
        Get-Help about_JoMA | Out-String | Should -Match 'JoMA'
        Get-Help about_JoMA_Metrics | Out-String | Should -Match 'ln\(p_k \+ 1e-8\)'
    }
}

Describe 'Get-JomaDevice' {
    It 'reports libtorch 2.10 loaded from the module folder' {
        $d = Get-JomaDevice
        $d.TorchVersion | Should -BeLike '2.10*'
        $d.Threads | Should -BeGreaterThan 0
        $d.CudaAvailable | Should -BeOfType [bool]
        $d.LoadedLibraries | Where-Object { $_ -like '*libtorch_cpu.so' } | Should -BeLike "$((Get-Module JoMA).ModuleBase)*"
    }

    It 'says with -Verbose which libtorch was loaded' {
        $verbose = Get-JomaDevice -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'libtorch loaded from .*libtorch\.so'
    }
}

Describe 'Tab completion' {
    It 'completes <Line> with <Expected>' -ForEach @(
        @{ Line = 'Invoke-JomaDynamics -System Nonlinear'; Expected = 'NonlinearSoftmax' }
        @{ Line = 'Start-JomaTraining -Activation G'; Expected = 'Gelu' }
        @{ Line = 'Export-JomaPlot x.png -Metric LayerE'; Expected = 'LayerEntropy' }
        @{ Line = 'Get-JomaSweep -Path s -AggregateOver optimizer.l'; Expected = 'optimizer.lr' }
    ) {
        $completions = (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain $Expected
    }
}
