@{
    RootModule           = 'JoMA.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3b0f7d2e-5c1a-4e8b-9f64-2d7a1c9e4b51'
    Author               = 'JoMA.PowerShell contributors'
    CompanyName          = 'JoMA.PowerShell'
    Copyright            = '(c) JoMA.PowerShell contributors. MIT licence.'
    Description          = 'Train Transformers and watch their attention and MLP weights evolve, extract attention from pretrained checkpoints, and solve the JoMA training dynamics of Tian et al. (ICLR 2024), as composable cmdlets on TorchSharp/libtorch.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('JoMA.Format.ps1xml')
    CmdletsToExport      = @(
        'Export-JomaConfig'
        'Export-JomaLatentTree'
        'Export-JomaPlot'
        'Get-JomaAttention'
        'Get-JomaDevice'
        'Get-JomaLatentSample'
        'Get-JomaSweep'
        'Import-JomaCheckpoint'
        'Import-JomaConfig'
        'Import-JomaLatentTree'
        'Invoke-JomaDynamics'
        'Invoke-JomaJointDynamics'
        'Compare-JomaAttentionPrediction'
        'Measure-AttentionSparsity'
        'Measure-JomaCorpusStatistics'
        'Measure-JomaLatentAlignment'
        'Measure-JomaStableRank'
        'New-JomaConfig'
        'New-JomaLatentTree'
        'New-JomaPlantedCorpus'
        'Measure-JomaTokenAttention'
        'Start-JomaSweep'
        'Start-JomaTraining'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('JoMA', 'Transformer', 'attention', 'entropy', 'MLP', 'dynamics', 'TorchSharp', 'libtorch', 'machine-learning', 'ODE', 'Linux')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/joma-powershell/JoMA.PowerShell'
            ReleaseNotes = 'JoMA dynamics (Dormand–Prince 5(4), Euler), the joint toy, attention sparsity, device report; pretrained checkpoints (Import-JomaCheckpoint, Get-JomaAttention, Measure-JomaStableRank).'
        }
    }
}
