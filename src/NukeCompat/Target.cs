namespace Nuke.Common;

/// <summary>
/// A build target. Declared as an expression-bodied property (<c>Target Compile => _ => _.Executes(...)</c>);
/// the engine calls it once per run to record the definition, and finds targets again by delegate equality.
/// </summary>
public delegate ITargetDefinition Target(ITargetDefinition _);
