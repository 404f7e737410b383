#!/usr/bin/env pwsh
# A thin PowerShell route to the same dotnet commands the README gives (those are canonical).
#   ./run.ps1 run        # the main job on the embedded default problems
#   ./run.ps1 test       # the test suite
#   ./run.ps1 <verb> ... # any bestofn verb: sample, import, export, grade, score, report, bench
param([Parameter(Position = 0)][string]$Verb = 'run', [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
switch ($Verb) {
    'test' { dotnet test BestOfN.sln @Rest }
    default { dotnet run --project src/Cli -c Release -- $Verb @Rest }
}
exit $LASTEXITCODE
