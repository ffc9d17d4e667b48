# Bootstrap for the NUKE-style build (Windows PowerShell / pwsh). Mirrors build.sh: rebuild only
# when the build's inputs changed, then run the compiled build with all arguments.
[CmdletBinding()]
Param(
    [Parameter(Position=0,Mandatory=$false,ValueFromRemainingArguments=$true)]
    [string[]]$BuildArguments
)
Set-StrictMode -Version 2.0; $ErrorActionPreference = "Stop"
$ConfirmPreference = "None"; trap { Write-Error $_ -ErrorAction Continue; exit 1 }

$ScriptDir = Split-Path $MyInvocation.MyCommand.Path -Parent
$BuildProjectFile = "$ScriptDir\build\_build.csproj"
$TempDirectory = "$ScriptDir\.nuke\temp"
$BuildOutput = "$TempDirectory\build-bin"
$BuildStamp = "$TempDirectory\build-bin.stamp"
$BuildInputs = @("build", "src\NukeCompat", "src\Nexplane.Upgrade", "Directory.Build.props", "Directory.Packages.props", "global.json")

$env:DOTNET_CLI_TELEMETRY_OPTOUT = 1
$env:DOTNET_NOLOGO = 1
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = 1
# Tier-1 recompilation costs a short, mostly waiting run about 40 % of its CPU: see build.sh.
if (-not $env:DOTNET_TC_CallCountingDelayMs) { $env:DOTNET_TC_CallCountingDelayMs = "0x2000" }  # hexadecimal: 8192 ms

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Error "The .NET SDK 10 is required (dotnet was not found on PATH). Install it, then run this again."
    exit 1
}

function ExecSafe([scriptblock] $cmd) {
    & $cmd
    if ($LASTEXITCODE) { exit $LASTEXITCODE }
}

function Test-BuildIsStale {
    if (-not (Test-Path $BuildStamp) -or -not (Test-Path "$BuildOutput\_build.dll")) { return $true }
    $stampTime = (Get-Item $BuildStamp).LastWriteTimeUtc
    foreach ($input in $BuildInputs) {
        $path = Join-Path $ScriptDir $input
        if (-not (Test-Path $path)) { continue }
        $newer = Get-ChildItem $path -Recurse -Force -ErrorAction SilentlyContinue |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' -and $_.LastWriteTimeUtc -gt $stampTime } |
            Select-Object -First 1
        if ($newer -or (Get-Item $path).LastWriteTimeUtc -gt $stampTime) { return $true }
    }
    return $false
}

if (Test-BuildIsStale) {
    New-Item -ItemType Directory -Force -Path $TempDirectory | Out-Null
    $started = Get-Date
    ExecSafe { & dotnet build $BuildProjectFile -o $BuildOutput /nodeReuse:false /p:UseSharedCompilation=false -nologo -clp:NoSummary --verbosity quiet }
    New-Item -ItemType File -Force -Path $BuildStamp | Out-Null
    (Get-Item $BuildStamp).LastWriteTimeUtc = $started.ToUniversalTime()
}

ExecSafe { & dotnet "$BuildOutput\_build.dll" $BuildArguments }
