package dev.specula.cli;

import java.util.List;

/** The built-in multilingual prompt set of {@code specula demo} and {@code specula bench mesh}. */
public final class DemoPrompts {

    /**
     * One prompt.
     *
     * @param language the language it is written in, ISO 639-1
     * @param text     the prompt
     */
    public record Prompt(String language, String text) {
    }

    /**
     * Openings in the style of the Debian Installation Guide and the Debian Reference (what the family was
     * trained on), so that the models have something to continue: the same sentence about the installer's
     * mirror in nine languages, and a second English one from the Reference.
     */
    public static final List<Prompt> ALL = List.of(
            new Prompt("en", "The installer will ask you to choose a mirror of the Debian archive. By default it"
                    + " offers"),
            new Prompt("en", "To install a package from the Debian archive with APT, run the following command as"
                    + " root:"),
            new Prompt("de", "Das Installationsprogramm wird Sie bitten, einen Spiegel-Server des Debian-Archivs"
                    + " auszuwählen. Standardmäßig"),
            new Prompt("fr", "L'installateur vous demandera de choisir un miroir de l'archive Debian. Par défaut,"),
            new Prompt("es", "El instalador le pedirá que elija una réplica del archivo de Debian. De forma"
                    + " predeterminada,"),
            new Prompt("ru", "Программа установки попросит вас выбрать зеркало архива Debian. По умолчанию"),
            new Prompt("ja", "インストーラは Debian アーカイブのミラーサイトを選択するよう求めます。デフォルトでは、"),
            new Prompt("zh", "安装程序会要求您选择一个 Debian 档案库的镜像。默认情况下，"),
            new Prompt("it", "Il programma d'installazione chiederà di scegliere un mirror dell'archivio Debian."
                    + " Normalmente"),
            new Prompt("pt", "O instalador irá pedir-lhe para escolher um mirror do arquivo Debian. Por omissão,"));

    private DemoPrompts() {
    }
}
