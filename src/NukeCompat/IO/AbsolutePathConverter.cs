using System.ComponentModel;
using System.Globalization;

namespace Nuke.Common.IO;

/// <summary>Converts text to <see cref="AbsolutePath"/>; relative text resolves against the build's root directory.</summary>
public sealed class AbsolutePathConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? NukeBuild.RootDirectoryOrNull is { } root ? root / text : AbsolutePath.Create(text)
            : base.ConvertFrom(context, culture, value);
}
