using System.Text;

namespace Transfers.Core.Shares;

/// <summary>
/// Encodes a file path as a table row key that sorts like the path itself (ordinal order), so that the per-file state
/// of a folder is one row-key range and the diff can walk the source listing and the state side by side. Characters
/// that row keys forbid (<c>/ \ # ?</c> and control characters) become two-character sequences that keep the order.
/// </summary>
public static class PathKey
{
    /// <summary>Encodes a path.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The row key.</returns>
    public static string Encode(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var builder = new StringBuilder(path.Length + 16);
        foreach (var c in path)
        {
            // Each forbidden character is paired with its allowed predecessor, which becomes "prefix + 0" while the
            // forbidden one becomes "prefix + 1": both stay between their neighbours and no code is a prefix of another.
            switch (c)
            {
                case <= ' ':
                    builder.Append(' ').Append((char)('@' + c));
                    break;
                case '"':
                    builder.Append("\"0");
                    break;
                case '#':
                    builder.Append("\"1");
                    break;
                case '.':
                    builder.Append(".0");
                    break;
                case '/':
                    builder.Append(".1");
                    break;
                case '>':
                    builder.Append(">0");
                    break;
                case '?':
                    builder.Append(">1");
                    break;
                case '[':
                    builder.Append("[0");
                    break;
                case '\\':
                    builder.Append("[1");
                    break;
                case >= '~' and <= '\u009f':
                    builder.Append('~').Append((char)('!' + (c - '~')));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>The first row key after every key that starts with <paramref name="encodedPrefix"/>.</summary>
    /// <param name="encodedPrefix">An encoded, non-empty prefix.</param>
    /// <returns>An exclusive upper bound for the prefix range.</returns>
    public static string UpperBound(string encodedPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(encodedPrefix);
        return string.Concat(encodedPrefix.AsSpan(0, encodedPrefix.Length - 1), ((char)(encodedPrefix[^1] + 1)).ToString());
    }
}
