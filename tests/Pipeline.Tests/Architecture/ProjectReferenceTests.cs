using System.Xml.Linq;

namespace BestOfN.Pipeline.Tests.Architecture;

/// <summary>The rooms of src/ and the one direction their references run in.</summary>
public class ProjectReferenceTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Llama"] = [],
        ["Problems"] = [],
        ["Voting"] = [],
        ["Remote"] = [],
        ["Sampler"] = ["Llama", "Problems", "Remote"],
        ["Verifier"] = ["Llama", "Problems", "Remote"],
        ["Store"] = ["Problems"],
        ["Training"] = ["Llama"],
        ["Pipeline"] = ["Llama", "Problems", "Sampler", "Store", "Training", "Verifier", "Voting"],
        ["Cli"] = ["Pipeline"],
    };

    private static IEnumerable<string> ReferencesOf(string project) =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "src", project, $"{project}.csproj")).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).Order(StringComparer.Ordinal);

    [Fact]
    public void Every_project_in_src_is_one_of_the_rooms()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src")).Where(d => Directory.GetFiles(d, "*.csproj").Length > 0).Select(Path.GetFileName);
        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), projects.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_references_run_one_way(string project) =>
        Assert.Equal(Allowed[project].Order(StringComparer.Ordinal), ReferencesOf(project));

    public static TheoryData<string> Projects() => [.. Allowed.Keys];

    [Fact]
    public void Protocol_names_are_written_only_in_the_registry()
    {
        string[] names = ["\"rlhflow-prm\"", "\"rlhflow-orm\"", "\"math-shepherd\""];
        var registry = Path.Combine(RepoPaths.Root, "src", "Verifier", "Scoring", "Protocols", "RewardProtocols.cs");
        var elsewhere = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && f != registry)
            .Where(f => names.Any(File.ReadAllText(f).Contains)).ToList();
        Assert.Empty(elsewhere);
        Assert.All(names, n => Assert.Contains(n, File.ReadAllText(registry)));
    }

    [Fact]
    public void No_command_file_is_long_and_no_command_calls_another()
    {
        var commands = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "Cli", "Commands"), "*Command.cs");
        Assert.NotEmpty(commands);
        var names = commands.Select(Path.GetFileNameWithoutExtension).ToList();
        foreach (var file in commands)
        {
            var text = File.ReadAllText(file);
            Assert.True(text.Split('\n').Length <= 105, $"{Path.GetFileName(file)} has {text.Split('\n').Length} lines");
            var self = Path.GetFileNameWithoutExtension(file);
            // A command may list its subcommands (bench's Create() calls); it never calls into another command's code.
            Assert.DoesNotContain(names.Where(n => n != self), n => text.Contains($"{n}.", StringComparison.Ordinal) && !text.Contains($"{n}.Create()", StringComparison.Ordinal));
        }
    }
}
