namespace Nuke.Common.Utilities.Collections;

public static class DictionaryExtensions
{
    /// <summary>Sets <paramref name="key"/> and returns the dictionary, for chaining inside <c>ReportSummary</c>.</summary>
    public static IDictionary<TKey, TValue> AddPair<TKey, TValue>(this IDictionary<TKey, TValue> dictionary, TKey key, TValue value)
    {
        dictionary[key] = value;
        return dictionary;
    }
}
